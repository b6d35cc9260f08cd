using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Platform.ResourceGc.Import;

/// <summary>
/// The <c>*at</c> calls the unpacker writes with: every one takes a folder descriptor and one name in it, and none
/// follows a symlink at that name (<c>O_NOFOLLOW</c>, <c>AT_SYMLINK_NOFOLLOW</c>, or a call that never follows, such as
/// <c>mkdirat</c>, <c>symlinkat</c>, <c>mknodat</c>, <c>unlinkat</c> and <c>linkat</c> without <c>AT_SYMLINK_FOLLOW</c>).
/// </summary>
internal static class Native
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;

    public const uint TypeMask = 0xF000;
    public const uint Fifo = 0x1000;
    public const uint CharDevice = 0x2000;
    public const uint Directory = 0x4000;
    public const uint BlockDevice = 0x6000;
    public const uint Regular = 0x8000;
    public const uint Symlink = 0xA000;

    private const int AtSymlinkNoFollow = 0x100;
    private const int AtRemoveDir = 0x200;
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OExclusive = 0x80;
    private const int OCloseOnExec = 0x80000;
    private const int OPath = 0x200000;
    private const uint StatxType = 0x1;
    private const long UtimeOmit = (1L << 30) - 2;

    // O_DIRECTORY and O_NOFOLLOW are the two flags whose values differ between x86-64 and arm64.
    private static readonly bool ArmFlags = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    private static readonly int ODirectory = ArmFlags ? 0x4000 : 0x10000;
    private static readonly int ONoFollow = ArmFlags ? 0x8000 : 0x20000;

    /// <summary>A file descriptor, closed on dispose.</summary>
    public sealed class Fd() : SafeHandleMinusOneIsInvalid(ownsHandle: true)
    {
        public Fd(int fd) : this() => SetHandle(fd);

        public int Value => (int)handle;

        protected override bool ReleaseHandle() => close((int)handle) == 0;
    }

    /// <summary>A folder to resolve names in (<c>O_PATH</c>: no permission needed to hold it, nothing readable through it).</summary>
    public static Fd OpenFolder(string path) => Check(new Fd(open(path, OPath | ODirectory | OCloseOnExec)), "open", path);

    /// <summary>The folder <paramref name="name"/> in <paramref name="folder"/>, or an errno (ELOOP/ENOTDIR for a symlink or non-folder there).</summary>
    public static Fd? TryOpenFolderAt(Fd folder, string name, out int errno)
    {
        var fd = new Fd(openat(folder.Value, name, OPath | ODirectory | ONoFollow | OCloseOnExec, 0));
        errno = fd.IsInvalid ? Marshal.GetLastPInvokeError() : 0;
        if (!fd.IsInvalid)
            return fd;
        fd.Dispose();
        return null;
    }

    /// <summary>A new regular file, made here and now: fails if anything (a symlink included) has the name.</summary>
    public static SafeFileHandle CreateFileAt(Fd folder, string name)
    {
        var fd = openat(folder.Value, name, OWriteOnly | OCreate | OExclusive | ONoFollow | OCloseOnExec, 0x180);
        if (fd < 0)
            throw Failure("create", name, Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The folder's entries' names, read through the descriptor (so a symlink swapped in meanwhile is never listed through).</summary>
    public static List<string> ListNames(Fd folder)
    {
        var names = new List<string>();
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false };
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries($"/proc/self/fd/{folder.Value}", "*", options))
            names.Add(Path.GetFileName(entry));
        return names;
    }

    /// <summary>The file type bits (<see cref="TypeMask"/>) of <paramref name="name"/> itself, or null when nothing has that name.</summary>
    public static uint? TypeAt(Fd folder, string name)
    {
        if (statx(folder.Value, name, AtSymlinkNoFollow, StatxType, out var buffer) == 0)
            return buffer.Mode & TypeMask;
        var errno = Marshal.GetLastPInvokeError();
        return errno == ENOENT ? null : throw Failure("stat", name, errno);
    }

    public static int MakeFolderAt(Fd folder, string name) => mkdirat(folder.Value, name, 0x1ED) == 0 ? 0 : Marshal.GetLastPInvokeError(); // 0755

    public static void SymlinkAt(string target, Fd folder, string name) =>
        Check(symlinkat(target, folder.Value, name), "symlink", name);

    /// <summary>A hard link to <paramref name="sourceName"/> itself: <c>linkat</c> without <c>AT_SYMLINK_FOLLOW</c>.</summary>
    public static void LinkAt(Fd sourceFolder, string sourceName, Fd folder, string name) =>
        Check(linkat(sourceFolder.Value, sourceName, folder.Value, name, 0), "link", name);

    /// <summary>mknodat; false when the kernel refuses for lack of privilege (or glibc has no <c>mknodat</c>).</summary>
    public static bool TryMakeNodeAt(Fd folder, string name, uint mode, uint major, uint minor)
    {
        // glibc's makedev.
        var device = ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);
        try
        {
            if (mknodat(folder.Value, name, mode, device) == 0)
                return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno is 1 ? false : throw Failure("mknod", name, errno); // EPERM: no CAP_MKNOD
    }

    public static void UnlinkAt(Fd folder, string name, bool isFolder) =>
        Check(unlinkat(folder.Value, name, isFolder ? AtRemoveDir : 0), "unlink", name);

    /// <summary>Owner of <paramref name="name"/> itself (a symlink's own owner, never its target's).</summary>
    public static void ChownAt(Fd folder, string name, uint uid, uint gid) =>
        Check(fchownat(folder.Value, name, uid, gid, AtSymlinkNoFollow), "chown", name);

    /// <summary>Mode of <paramref name="name"/> itself; glibc refuses (EOPNOTSUPP) rather than follow a symlink there.</summary>
    public static void ChmodAt(Fd folder, string name, uint mode) =>
        Check(fchmodat(folder.Value, name, mode, AtSymlinkNoFollow), "chmod", name);

    /// <summary>Modification time of <paramref name="name"/> itself; the access time is left as it is.</summary>
    public static void SetTimeAt(Fd folder, string name, DateTimeOffset modified) =>
        Check(utimensat(folder.Value, name, Times(modified), AtSymlinkNoFollow), "utimensat", name);

    public static void ChownFile(SafeFileHandle file, string name, uint uid, uint gid) => Check(fchown(Raw(file), uid, gid), "chown", name);

    public static void ChmodFile(SafeFileHandle file, string name, uint mode) => Check(fchmod(Raw(file), mode), "chmod", name);

    public static void SetTimeFile(SafeFileHandle file, string name, DateTimeOffset modified) => Check(futimens(Raw(file), Times(modified)), "futimens", name);

    /// <summary>Sets an xattr on a folder; false when the filesystem or our privileges refuse it.</summary>
    public static bool TrySetXattrOnFolder(Fd parent, string name, string attribute, byte[] value)
    {
        // fsetxattr needs a real descriptor, not an O_PATH one.
        using var fd = Check(new Fd(openat(parent.Value, name, ODirectory | ONoFollow | OCloseOnExec, 0)), "open", name);
        if (fsetxattr(fd.Value, attribute, value, value.Length, 0) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno is 1 or 13 or 95 ? false : throw Failure($"setxattr {attribute}", name, errno); // EPERM, EACCES, ENOTSUP
    }

    public static IOException Failure(string call, string name, int errno) =>
        new($"{call} {name}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})") { HResult = errno };

    private static int Raw(SafeFileHandle file) => (int)file.DangerousGetHandle();

    private static Timespec[] Times(DateTimeOffset modified)
    {
        var ticks = modified.UtcDateTime.Ticks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return [new Timespec(0, UtimeOmit), new Timespec(seconds, rest * 100)];
    }

    private static void Check(int result, string call, string name)
    {
        if (result != 0)
            throw Failure(call, name, Marshal.GetLastPInvokeError());
    }

    private static Fd Check(Fd fd, string call, string name)
    {
        if (!fd.IsInvalid)
            return fd;
        var errno = Marshal.GetLastPInvokeError();
        fd.Dispose();
        throw Failure(call, name, errno);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    /// <summary>The start of <c>struct statx</c> (256 bytes in all); only the mode is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int openat(int dirfd, string path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdirat(int dirfd, string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int mknodat(int dirfd, string path, uint mode, ulong dev);

    [DllImport("libc", SetLastError = true)]
    private static extern int symlinkat(string target, int dirfd, string path);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlinkat(int dirfd, string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchownat(int dirfd, string path, uint owner, uint group, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmodat(int dirfd, string path, uint mode, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int utimensat(int dirfd, string path, Timespec[] times, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchown(int fd, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmod(int fd, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int futimens(int fd, Timespec[] times);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsetxattr(int fd, string name, byte[] value, nint size, int flags);
}
