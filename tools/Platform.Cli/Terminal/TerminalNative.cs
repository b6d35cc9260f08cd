using System.Runtime.InteropServices;

namespace Platform.Cli.Terminal;

/// <summary>
/// The libc calls a raw terminal needs (Linux). Blittable types only, so the Native AOT build needs no marshalling code:
/// <see cref="Termios"/> is opaque here (glibc's struct is 60 bytes; this one is larger) and only libc reads its fields.
/// </summary>
internal static class TerminalNative
{
    public const int StdinFd = 0;
    public const int StdoutFd = 1;

    /// <summary><c>tcsetattr</c>: change at once.</summary>
    public const int TcsaNow = 0;

    /// <summary><c>ioctl</c> request for the window size (Linux, every architecture .NET runs on).</summary>
    private const nuint TiocGwinsz = 0x5413;

    [StructLayout(LayoutKind.Sequential, Size = 128)]
    public struct Termios
    {
        private readonly long _opaque;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Winsize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [DllImport("libc", EntryPoint = "isatty")]
    public static extern int IsATty(int fd);

    [DllImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static extern int TcGetAttr(int fd, ref Termios termios);

    [DllImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static extern int TcSetAttr(int fd, int when, ref Termios termios);

    [DllImport("libc", EntryPoint = "cfmakeraw")]
    public static extern void CfMakeRaw(ref Termios termios);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int IoctlWinsize(int fd, nuint request, ref Winsize size);

    /// <summary>The terminal's size on <paramref name="fd"/>, or null when it is no terminal (or says 0×0).</summary>
    public static (int Width, int Height)? SizeOf(int fd)
    {
        var size = default(Winsize);
        if (IoctlWinsize(fd, TiocGwinsz, ref size) != 0 || size.Columns == 0 || size.Rows == 0)
            return null;
        return (size.Columns, size.Rows);
    }

    public static bool IsTerminal(int fd) => OperatingSystem.IsLinux() && IsATty(fd) == 1;
}
