using System.Runtime.InteropServices;
using System.Text;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>The libc calls the runtime needs that .NET does not expose: <c>mount</c>, <c>umount2</c>, <c>kill</c> and <c>fcntl</c>.</summary>
internal static class Native
{
    public const ulong MsRdonly = 0x1;
    public const ulong MsNosuid = 0x2;
    public const ulong MsNodev = 0x4;
    public const ulong MsNoexec = 0x8;
    public const ulong MsSynchronous = 0x10;
    public const ulong MsRemount = 0x20;
    public const ulong MsNoatime = 0x400;
    public const ulong MsNodiratime = 0x800;
    public const ulong MsBind = 0x1000;
    public const ulong MsRec = 0x4000;
    public const ulong MsRelatime = 0x200000;
    public const ulong MsStrictatime = 0x1000000;
    private const int MntDetach = 2;
    private const int Esrch = 3;
    private const int FGetfd = 1;
    private const int FSetfd = 2;
    private const int FdCloexec = 1;

    /// <summary>Calls <c>mount(2)</c>; the errno message when it fails, null when it worked.</summary>
    public static string? Mount(string source, string target, string? type, ulong flags, string? data)
    {
        if (mount(source, target, type, (nuint)flags, data) == 0)
            return null;
        var errno = Marshal.GetLastPInvokeError();
        return $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    /// <summary>Unmounts, lazily if the plain unmount fails; false when both fail.</summary>
    public static bool Unmount(string target) => umount2(target, 0) == 0 || umount2(target, MntDetach) == 0;

    /// <summary>Sends a signal; false when no such process exists, an exception for any other failure.</summary>
    public static bool Kill(int pid, int signal)
    {
        if (kill(pid, signal) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Esrch)
            return false;
        throw new IOException($"kill {pid} {signal}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    /// <summary>
    /// Marks every descriptor above stderr that this process inherited without close-on-exec (a pipe its parent
    /// waits on, say) close-on-exec, so the long-lived monitors it starts don't hold them open for the lifetime of
    /// their containers. .NET opens its own descriptors close-on-exec already. Returns how many were marked.
    /// </summary>
    public static int CloseInheritedOnExec()
    {
        var marked = 0;
        string[] entries;
        try
        {
            entries = Directory.GetFiles("/proc/self/fd");
        }
        catch (IOException)
        {
            return 0;
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), out var fd) || fd <= 2)
                continue;
            var flags = fcntl(fd, FGetfd, 0);
            if (flags >= 0 && (flags & FdCloexec) == 0 && fcntl(fd, FSetfd, flags | FdCloexec) == 0)
                marked++;
        }
        return marked;
    }

    /// <summary>Whether <paramref name="path"/> is a mount point of this process's mount namespace (per /proc/self/mountinfo).</summary>
    public static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full)
                return true;
        }
        return false;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as octal escapes (<c>\040</c>).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s.Substring(start, 3).All(c => c is >= '0' and <= '7');

    [DllImport("libc", SetLastError = true)]
    private static extern int mount(string source, string target, string? filesystemtype, nuint mountflags, string? data);

    [DllImport("libc", SetLastError = true)]
    private static extern int umount2(string target, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);
}
