using System.Runtime.InteropServices;
using System.Text;

namespace Platform.ResourceGc.Drivers;

/// <summary>
/// The few libc calls the drivers need that .NET does not expose: <c>statx</c> (file type, owner, inode and
/// device of a path without following a symlink; its struct has the same layout on every architecture,
/// unlike <c>struct stat</c>), <c>lchown</c>, <c>mknod</c>, the xattr calls, and <c>mount</c>/<c>umount2</c>.
/// </summary>
internal static class LinuxCalls
{
    public const uint TypeMask = 0xF000;
    public const uint Fifo = 0x1000;
    public const uint CharDevice = 0x2000;
    public const uint Directory = 0x4000;
    public const uint BlockDevice = 0x6000;
    public const uint Regular = 0x8000;
    public const uint Symlink = 0xA000;
    public const uint Socket = 0xC000;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const ulong StatxAttrMountRoot = 0x2000;
    private const int ENOENT = 2;
    private const int ENODATA = 61;
    private const int ERANGE = 34;
    private const int MntDetach = 2;

    /// <summary>What <c>statx</c> says about a path (the path itself, not a symlink's target).</summary>
    public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Inode, uint DevMajor, uint DevMinor, long Size,
        uint RdevMajor, uint RdevMinor, long MtimeSeconds, uint MtimeNanoseconds, bool IsMountRoot)
    {
        public uint Type => Mode & TypeMask;
        public bool IsDirectory => Type == Directory;
        public bool IsRegular => Type == Regular;
        public bool IsSymlink => Type == Symlink;
        public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);
        public bool SameDevice(in FileStatus other) => DevMajor == other.DevMajor && DevMinor == other.DevMinor;

        public DateTime LastWriteUtc => DateTime.UnixEpoch.AddTicks(MtimeSeconds * TimeSpan.TicksPerSecond + MtimeNanoseconds / 100);
    }

    /// <summary>The status of <paramref name="path"/>, or null when nothing is there.</summary>
    public static FileStatus? LStatOrNull(string path)
    {
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, out var buffer) == 0)
            return ToStatus(buffer);
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT)
            return null;
        throw Failure("stat", path, errno);
    }

    public static FileStatus LStat(string path) =>
        LStatOrNull(path) ?? throw new FileNotFoundException($"stat {path}: no such file or directory", path);

    /// <summary>chmod(2) through .NET; the drivers only run on Linux, which this check tells the platform analyzer.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("snapshot drivers run on Linux only");
        File.SetUnixFileMode(path, mode);
    }

    public static void LChown(string path, uint uid, uint gid)
    {
        if (lchown(path, uid, gid) != 0)
            throw Failure("lchown", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>Creates a fifo or device node; false (and nothing created) when the kernel refuses.</summary>
    public static bool TryMakeNode(string path, uint mode, uint major, uint minor)
    {
        // glibc's makedev.
        var device = ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);
        try
        {
            return mknod(path, mode, device) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // glibc before 2.33 exports only __xmknod; such nodes are skipped like sockets.
        }
    }

    /// <summary>Extended attributes of the path itself (not a symlink's target), name → value.</summary>
    public static List<(string Name, byte[] Value)> ListXattrs(string path)
    {
        var result = new List<(string, byte[])>();
        var size = llistxattr(path, null, 0);
        if (size < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == 95) // ENOTSUP: the filesystem has no xattrs.
                return result;
            throw Failure("llistxattr", path, errno);
        }
        if (size == 0)
            return result;
        var names = new byte[size];
        size = llistxattr(path, names, names.Length);
        if (size < 0)
            throw Failure("llistxattr", path, Marshal.GetLastPInvokeError());
        var start = 0;
        for (var i = 0; i < size; i++)
        {
            if (names[i] != 0)
                continue;
            if (i > start)
            {
                var name = Encoding.UTF8.GetString(names, start, i - start);
                var value = GetXattr(path, name);
                if (value is not null)
                    result.Add((name, value));
            }
            start = i + 1;
        }
        return result;
    }

    private static byte[]? GetXattr(string path, string name)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var size = lgetxattr(path, name, null, 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == ENODATA)
                    return null;
                throw Failure($"lgetxattr {name}", path, errno);
            }
            var value = new byte[size];
            if (size == 0)
                return value;
            var read = lgetxattr(path, name, value, value.Length);
            if (read >= 0)
                return read == value.Length ? value : value[..(int)read];
            if (Marshal.GetLastPInvokeError() != ERANGE)
                throw Failure($"lgetxattr {name}", path, Marshal.GetLastPInvokeError());
        }
        throw new IOException($"lgetxattr {name} {path}: the value keeps changing size");
    }

    /// <summary>Sets an xattr on the path itself; false when the filesystem or the caller's privileges refuse it.</summary>
    public static bool TrySetXattr(string path, string name, byte[] value)
    {
        if (lsetxattr(path, name, value, value.Length, 0) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is 1 or 13 or 95) // EPERM (trusted.* as non-root), EACCES, ENOTSUP
            return false;
        throw Failure($"lsetxattr {name}", path, errno);
    }

    /// <summary>Calls <c>mount(2)</c>; the errno message when it fails, null when it worked.</summary>
    public static string? Mount(string source, string target, string type, string? data)
    {
        if (mount(source, target, type, 0, data) == 0)
            return null;
        var errno = Marshal.GetLastPInvokeError();
        return $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    /// <summary>Unmounts, lazily if the plain unmount fails; false when both fail.</summary>
    public static bool Unmount(string target) => umount2(target, 0) == 0 || umount2(target, MntDetach) == 0;

    private static FileStatus ToStatus(in StatxBuffer b) => new(
        b.Mode, b.Uid, b.Gid, b.Ino, b.DevMajor, b.DevMinor, (long)b.Size, b.RdevMajor, b.RdevMinor, b.MtimeSec, b.MtimeNsec,
        (b.AttributesMask & StatxAttrMountRoot) != 0 && (b.Attributes & StatxAttrMountRoot) != 0);

    private static IOException Failure(string call, string path, int errno) =>
        errno is 1 or 13
            ? new IOException($"{call} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", new UnauthorizedAccessException())
            : new IOException($"{call} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    /// <summary><c>struct statx</c> from linux/stat.h: 256 bytes, fixed offsets on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(8)] public ulong Attributes;
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(48)] public ulong Blocks;
        [FieldOffset(56)] public ulong AttributesMask;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, string pathname, int flags, uint mask, out StatxBuffer buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int mknod(string path, uint mode, ulong dev);

    [DllImport("libc", SetLastError = true)]
    private static extern nint llistxattr(string path, byte[]? list, nint size);

    [DllImport("libc", SetLastError = true)]
    private static extern nint lgetxattr(string path, string name, byte[]? value, nint size);

    [DllImport("libc", SetLastError = true)]
    private static extern int lsetxattr(string path, string name, byte[] value, nint size, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int mount(string source, string target, string filesystemtype, nuint mountflags, string? data);

    [DllImport("libc", SetLastError = true)]
    private static extern int umount2(string target, int flags);
}
