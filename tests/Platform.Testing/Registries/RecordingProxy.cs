using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing.Registries;

/// <summary>One HTTP request a <see cref="RecordingProxy"/> passed on.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Range => Headers.TryGetValue("range", out var range) ? range : null;

    /// <summary>A blob download (<c>GET /v2/…/blobs/sha256:…</c>).</summary>
    public bool IsBlobGet => Method == "GET" && Path.Contains("/blobs/sha256:", StringComparison.Ordinal);
}

/// <summary>
/// A plain-HTTP proxy on 127.0.0.1 in front of a registry that records every request (method, path, headers) and passes
/// bytes through unchanged both ways, so a test can count the blob GETs and Range requests a pull made. It reads request
/// heads and skips bodies by Content-Length (chunked request bodies are not supported: pulls send none).
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];

    public RecordingProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: the registry host to give a client.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> BlobGets => [.. _requests.Where(r => r.IsBlobGet)];

    public void Clear() => _requests.Clear();

    /// <summary>
    /// Optional. Bytes to change on their way from the registry: every occurrence of a <c>Find</c> within one read is replaced
    /// by its <c>Replace</c> (same length), as a registry that serves a tampered blob would. Give several markers from
    /// content that occurs in one blob only (random bytes, not a tar header: those repeat across layers), so a read boundary
    /// splitting one occurrence doesn't matter.
    /// </summary>
    public IReadOnlyList<(byte[] Find, byte[] Replace)> Tamper { get; init; } = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(_target, _stop.Token);
                _connections.Add(inbound);
                _connections.Add(outbound);
                _ = RecordAsync(inbound.GetStream(), outbound.GetStream());
                _ = PumpAsync(outbound.GetStream(), inbound.GetStream());
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Client to server: forwards every byte, parsing request heads as they pass.</summary>
    private async Task RecordAsync(Stream from, Stream to)
    {
        var buffer = new byte[65536];
        var head = new List<byte>();
        long bodyLeft = 0;
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                for (var i = 0; i < read; i++)
                {
                    if (bodyLeft > 0)
                    {
                        var skip = (int)Math.Min(bodyLeft, read - i);
                        bodyLeft -= skip;
                        i += skip - 1;
                        continue;
                    }
                    head.Add(buffer[i]);
                    if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                    {
                        bodyLeft = Record(Encoding.ASCII.GetString(head.ToArray()));
                        head.Clear();
                    }
                }
            }
        }
        catch (Exception)
        {
            // a closed side ends the pump
        }
        finally
        {
            to.Close();
        }
    }

    private long Record(string text)
    {
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        _requests.Enqueue(new RecordedRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : "", headers));
        return headers.TryGetValue("content-length", out var length) && long.TryParse(length, out var n) ? n : 0;
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            var buffer = new byte[65536];
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                foreach (var (find, replace) in Tamper)
                {
                    for (var at = buffer.AsSpan(0, read).IndexOf(find); at >= 0;)
                    {
                        replace.CopyTo(buffer.AsSpan(at));
                        var next = buffer.AsSpan(at + find.Length, read - at - find.Length).IndexOf(find);
                        at = next < 0 ? -1 : at + find.Length + next;
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception)
        {
            // a closed side ends the pump
        }
        finally
        {
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections)
            connection.Dispose();
        _stop.Dispose();
    }
}
