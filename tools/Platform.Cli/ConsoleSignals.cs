using System.Runtime.InteropServices;

namespace Platform.Cli;

/// <summary>
/// Ctrl-C and SIGTERM as platformctl receives them, for the commands that pass them on to a task (<c>run</c>)
/// instead of ending. The host (Program) raises them; in-process callers (tests) may raise them too.
/// </summary>
public sealed class ConsoleSignals
{
    private Func<PosixSignal, bool>? _handler;

    /// <summary>Hands the signal to the command that forwards signals, if one does right now.</summary>
    /// <returns>True when a command took it: the host must not end the process.</returns>
    public bool Raise(PosixSignal signal) => Volatile.Read(ref _handler)?.Invoke(signal) ?? false;

    /// <summary>Takes the signals until the returned handle is disposed.</summary>
    internal IDisposable Forward(Func<PosixSignal, bool> handler)
    {
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
            throw new InvalidOperationException("signals are already forwarded");
        return new Release(this, handler);
    }

    private sealed class Release(ConsoleSignals signals, Func<PosixSignal, bool> handler) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref signals._handler, null, handler);
    }
}
