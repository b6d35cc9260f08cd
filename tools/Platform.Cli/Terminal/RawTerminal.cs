using System.Runtime.InteropServices;

namespace Platform.Cli.Terminal;

/// <summary>
/// platformctl's terminal in raw mode while it is attached to a task's terminal (<c>cfmakeraw</c>: no echo, no line
/// editing, no signals from Ctrl-C or Ctrl-Z, no output processing: every key goes to the task, whose terminal does all
/// of that). The settings found are put back when this is disposed, when the process exits, and on SIGTERM/SIGHUP, so
/// no exit path leaves the user's shell raw.
/// </summary>
internal sealed class RawTerminal : IDisposable
{
    private readonly TerminalNative.Termios _saved;
    private readonly int _fd;
    private readonly PosixSignalRegistration[] _signals;
    private int _restored;

    private RawTerminal(int fd, TerminalNative.Termios saved)
    {
        _fd = fd;
        _saved = saved;
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Restore()),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Restore()),
        ];
    }

    /// <summary>Puts <paramref name="fd"/> (stdin) into raw mode; null when it is not a terminal or refuses.</summary>
    public static RawTerminal? Enter(int fd = TerminalNative.StdinFd)
    {
        if (!TerminalNative.IsTerminal(fd))
            return null;
        var saved = default(TerminalNative.Termios);
        if (TerminalNative.TcGetAttr(fd, ref saved) != 0)
            return null;
        var raw = saved;
        TerminalNative.CfMakeRaw(ref raw);
        if (TerminalNative.TcSetAttr(fd, TerminalNative.TcsaNow, ref raw) != 0)
            return null;
        return new RawTerminal(fd, saved);
    }

    private void OnExit(object? sender, EventArgs e) => Restore();

    private void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0)
            return;
        var saved = _saved;
        TerminalNative.TcSetAttr(_fd, TerminalNative.TcsaNow, ref saved);
    }

    public void Dispose()
    {
        Restore();
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        foreach (var signal in _signals)
            signal.Dispose();
    }
}
