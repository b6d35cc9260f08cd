using System.Net.Sockets;
using Containerd.Services.Containers.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Version = Containerd.Services.Version.V1.Version;

namespace Platform.Bench;

/// <summary>
/// containerd's gRPC API over its unix socket, every call in one namespace (containerd reads it from the
/// <c>containerd-namespace</c> header, as its own Go client sends it).
/// </summary>
public sealed class ContainerdApi : IDisposable
{
    /// <summary>The type URL containerd's clients give the OCI spec; the value is the spec's JSON.</summary>
    public const string SpecTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

    private readonly GrpcChannel _channel;

    public ContainerdApi(string socket, string ns)
    {
        Namespace = ns;
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectCallback = (_, ct) => ConnectAsync(socket, ct) },
            // A list of 10,000 containers in one reply is a few MB; the default limit is 4 MB.
            MaxReceiveMessageSize = 256 * 1024 * 1024,
        });
        var invoker = _channel.Intercept(headers =>
        {
            headers.Add("containerd-namespace", ns);
            return headers;
        });
        Containers = new Containers.ContainersClient(invoker);
        Version = new Version.VersionClient(invoker);
    }

    public string Namespace { get; }

    public Containers.ContainersClient Containers { get; }

    public Version.VersionClient Version { get; }

    /// <summary>An OCI spec (JSON) as the <c>Any</c> containerd stores.</summary>
    public static Any Spec(string json) => new() { TypeUrl = SpecTypeUrl, Value = ByteString.CopyFromUtf8(json) };

    /// <summary>containerd's version and revision, e.g. <c>1.6.20~ds1 (1.6.20~ds1-1+b1)</c>.</summary>
    public async Task<string> VersionAsync()
    {
        var reply = await Version.VersionAsync(new Empty());
        return $"{reply.Version} ({reply.Revision})";
    }

    /// <summary>The containers that match any of <paramref name="filters"/>, streamed as containerd's own client reads them.</summary>
    public async IAsyncEnumerable<Container> ListAsync(params string[] filters)
    {
        var request = new ListContainersRequest();
        request.Filters.Add(filters);
        using var call = Containers.ListStream(request);
        await foreach (var message in call.ResponseStream.ReadAllAsync())
            yield return message.Container;
    }

    private static async ValueTask<Stream> ConnectAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _channel.Dispose();
}
