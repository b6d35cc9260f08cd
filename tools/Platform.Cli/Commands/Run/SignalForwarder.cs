using System.Runtime.InteropServices;
using System.Threading.Channels;
using Platform.Cli.Input;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// While <c>run</c> follows its task: the first Ctrl-C sends SIGINT to the task, every further one SIGKILL, and a
/// SIGTERM to platformctl sends SIGTERM. The signals are sent in order, one at a time, off the signal handler.
/// </summary>
internal sealed class SignalForwarder : IAsyncDisposable
{
    private readonly Channel<int> _pending = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDisposable _registration;
    private readonly Task _sending;
    private int _interrupts;

    public SignalForwarder(Invocation run, PlatformClient client, string containerId)
    {
        _registration = run.Signals.Forward(Take);
        _sending = SendAsync(run, client, containerId);
    }

    private bool Take(PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGTERM => SignalName.Terminate,
            PosixSignal.SIGINT => Interlocked.Increment(ref _interrupts) == 1 ? SignalName.Interrupt : SignalName.Kill,
            _ => 0,
        };
        return number != 0 && _pending.Writer.TryWrite(number);
    }

    private async Task SendAsync(Invocation run, PlatformClient client, string containerId)
    {
        await foreach (var signal in _pending.Reader.ReadAllAsync())
        {
            try
            {
                await client.Tasks.KillAsync(containerId, signal, @namespace: run.Namespace);
                await run.Err.WriteLineAsync(signal == SignalName.Interrupt
                    ? $"sent SIGINT to task {containerId}; Ctrl-C again sends SIGKILL"
                    : $"sent {(signal == SignalName.Kill ? "SIGKILL" : "SIGTERM")} to task {containerId}");
            }
            catch (PlatformException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.FailedPrecondition)
            {
                // It has exited meanwhile: the follower reports how.
            }
            catch (PlatformException e)
            {
                await run.Err.WriteLineAsync($"error: could not signal task {containerId}: {e.Kind}: {e.Message}");
            }
        }
    }

    /// <summary>Gives the signals back to the host and waits for the ones already taken to be sent.</summary>
    public async ValueTask DisposeAsync()
    {
        _registration.Dispose();
        _pending.Writer.TryComplete();
        await _sending;
    }
}
