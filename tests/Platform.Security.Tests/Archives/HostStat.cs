using System.Runtime.InteropServices;

namespace Platform.Security.Tests.Archives;

/// <summary>What <c>statx</c> says about a path itself (a symlink is not followed): what the tests compare before and after.</summary>
internal readonly record struct HostStat(uint Type, uint Mode, uint Uid, uint Gid, uint Links, long Size, ulong Inode,
    long Mtime, long Ctime, uint RdevMajor, uint RdevMinor)
{
    public const uint Fifo = 0x1000;
    public const uint CharDevice = 0x2000;
    public const uint Directory = 0x4000;
    public const uint BlockDevice = 0x6000;
    public const uint Regular = 0x8000;
    public const uint Symlink = 0xA000;

    /// <summary>The permission bits with setuid, setgid and sticky.</summary>
    public UnixFileMode Permissions => (UnixFileMode)Mode;

    public static HostStat? OfOrNull(string path)
    {
        if (statx(-100, path, 0x100, 0x7FF, out var b) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? null : throw new IOException($"statx {path}: errno {errno}");
        }
        return new HostStat((uint)b.Mode & 0xF000, (uint)b.Mode & 0xFFF, b.Uid, b.Gid, b.Nlink, (long)b.Size, b.Ino,
            b.MtimeSec * 1_000_000_000 + b.MtimeNsec, b.CtimeSec * 1_000_000_000 + b.CtimeNsec, b.RdevMajor, b.RdevMinor);
    }

    public static HostStat Of(string path) => OfOrNull(path) ?? throw new FileNotFoundException(path);

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSec;
        [FieldOffset(104)] public uint CtimeNsec;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, out StatxBuffer buffer);
}
