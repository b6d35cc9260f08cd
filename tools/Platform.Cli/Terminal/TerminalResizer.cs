using System.Runtime.InteropServices;
using System.Threading.Channels;
using Platform.Client;
using Platform.Common.Errors;

namespace Platform.Cli.Terminal;

/// <summary>
/// Keeps a task's terminal the size of platformctl's: sends the size once at the start and again on every SIGWINCH
/// (one at a time, the latest size, skipping repeats). Nothing when platformctl's stdout and stdin are no terminals.
/// </summary>
internal sealed class TerminalResizer : IAsyncDisposable
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly PosixSignalRegistration? _winch;
    private readonly Func<int, int, Task> _send;
    private readonly Task _sending;
    private (int Width, int Height)? _sent;

    public TerminalResizer(PlatformClient client, string containerId, string? execId, string @namespace)
    {
        _send = (width, height) => client.Tasks.ResizeAsync(containerId, execId, width, height, @namespace);
        if (OperatingSystem.IsWindows() || Current() is null)
        {
            _sending = Task.CompletedTask;
            return;
        }
        _winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
        {
            context.Cancel = true;
            _changed.Writer.TryWrite(true);
        });
        _sending = Task.Run(SendChangesAsync);
    }

    /// <summary>The size of platformctl's terminal (stdout's, else stdin's).</summary>
    public static (int Width, int Height)? Current() =>
        TerminalNative.SizeOf(TerminalNative.StdoutFd) ?? TerminalNative.SizeOf(TerminalNative.StdinFd);

    /// <summary>Sends the size now (before the task starts, so its first program sees it).</summary>
    public async Task SendNowAsync()
    {
        if (Current() is { } size && size != _sent)
        {
            _sent = size;
            await _send(size.Width, size.Height);
        }
    }

    private async Task SendChangesAsync()
    {
        await foreach (var _ in _changed.Reader.ReadAllAsync())
        {
            try
            {
                await SendNowAsync();
            }
            catch (PlatformException)
            {
                // The process has ended meanwhile: the attach ends by itself.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _winch?.Dispose();
        _changed.Writer.TryComplete();
        await _sending;
    }
}
