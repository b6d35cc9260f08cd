using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// A loopback TCP forwarder to the broker that a test can open and close, to make RabbitMQ "go away" for one
/// host without stopping the broker every other test shares.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;

    public TcpForwarder(IPEndPoint target)
    {
        _target = target;
        // Reserve a free port now so the address is known before the forwarder starts listening.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await listener.AcceptTcpClientAsync(_stop.Token);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(_target, _stop.Token);
                lock (_connections)
                    _connections.AddRange([inbound, outbound]);
                _ = PumpAsync(inbound.GetStream(), outbound.GetStream());
                _ = PumpAsync(outbound.GetStream(), inbound.GetStream());
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || listener.Server is null || !listener.Server.IsBound)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception)
        {
            // a closed side ends the pump
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        lock (_connections)
            foreach (var connection in _connections)
                connection.Dispose();
        _stop.Dispose();
    }
}
