using System.Net.Sockets;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Terminals;

/// <summary>
/// The runner's one connection to a process's attach socket, shared by every client attached to it. Clients' input
/// streams are written through it in order (a redelivered chunk is skipped by its offset); what the monitor sends back
/// (a copy of the output, which clients read from the log) is drained, since the monitor blocks on a client that does
/// not read. It ends when the monitor closes it (the process exited) or the runner stops.
/// </summary>
public sealed class AttachConnection : IDisposable
{
    /// <summary>conmon reads one packet into a 32 KiB buffer: larger packets would be cut.</summary>
    private const int Packet = 8192;

    /// <summary>Input streams remembered (their bytes written); the oldest are forgotten past this.</summary>
    private const int RememberedStreams = 64;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<string, long> _streams = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private bool _inputClosed;
    private volatile bool _ended;

    public AttachConnection(Socket socket, Action<AttachConnection> ended)
    {
        _socket = socket;
        _ = DrainAsync(ended);
    }

    /// <summary>False once the monitor closed the connection.</summary>
    public bool Alive => !_ended;

    /// <summary>Writes what of <paramref name="data"/> (at <paramref name="offset"/> of its stream) was not written yet; returns the stream's length so far.</summary>
    public async Task<long> WriteAsync(string stream, long offset, byte[] data, string what, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (_inputClosed)
                throw PlatformException.FailedPrecondition($"the stdin of {what} was closed");
            // A stream not seen before starts where it says (its earlier chunks went to a runner that restarted since).
            var written = _streams.TryGetValue(stream, out var known) ? known : offset;
            if (offset > written)
                throw PlatformException.InvalidArgument($"offset {offset} is past the {written} bytes of stdin stream {stream} written so far: chunks must be sent in order");
            var skip = (int)Math.Min(written - offset, data.Length);
            try
            {
                for (var at = skip; at < data.Length; at += Packet)
                    await _socket.SendAsync(data.AsMemory(at, Math.Min(Packet, data.Length - at)), SocketFlags.None, cancellationToken);
            }
            catch (SocketException e)
            {
                throw PlatformException.FailedPrecondition($"the stdin of {what} is gone ({e.SocketErrorCode}): the process has exited");
            }
            written = Math.Max(written, offset + data.Length);
            Remember(stream, written);
            return written;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Ends the process's stdin (a half-close: the monitor then closes it) once <paramref name="length"/> bytes of the stream were written.</summary>
    public async Task<long> CloseAsync(string stream, long length, string what, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var written = _streams.TryGetValue(stream, out var known) ? known : length;
            if (written < length)
                throw PlatformException.InvalidArgument($"stdin stream {stream} has {written} bytes written, not {length}: send the rest before closing");
            if (!_inputClosed)
            {
                _inputClosed = true;
                try
                {
                    _socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // The process is gone already: its stdin with it.
                }
            }
            return length;
        }
        finally
        {
            _writing.Release();
        }
    }

    private void Remember(string stream, long written)
    {
        if (!_streams.ContainsKey(stream))
        {
            _order.Enqueue(stream);
            if (_order.Count > RememberedStreams)
                _streams.Remove(_order.Dequeue());
        }
        _streams[stream] = written;
    }

    private async Task DrainAsync(Action<AttachConnection> ended)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by either side.
        }
        _ended = true;
        ended(this);
    }

    public void Dispose() => _socket.Dispose();
}
