using MassTransit;
using Platform.Client.Requests;
using Platform.Common.Errors;
using Platform.Contracts;
using RabbitMQ.Client;

namespace Platform.Client;

/// <summary>
/// The typed client every caller uses (CLI, tests, services). Every failure surfaces as a
/// <see cref="PlatformException"/> carrying its <see cref="ErrorKind"/>: error replies keep their kind, a
/// missing reply becomes Unavailable, a faulted consumer becomes Internal.
/// </summary>
public sealed class PlatformClient : IAsyncDisposable
{
    private readonly IRequestSender _requests;
    private readonly ClientRoutes? _routes;
    private readonly IConnection? _connection;

    /// <summary>Uses a bus the caller owns (a service host, a test harness).</summary>
    public PlatformClient(IBus bus, PlatformClientOptions? options = null)
        : this(new BusRequests(bus), null, null, new BusEvents(bus, options ??= new PlatformClientOptions()), options)
    {
    }

    private PlatformClient(IRequestSender requests, IConnection? connection, ClientRoutes? routes, IEventSource events, PlatformClientOptions options)
    {
        _requests = requests;
        _connection = connection;
        _routes = routes;
        Options = options;
        Containers = new ContainersClient(this);
        Images = new ImagesClient(this);
        Snapshots = new SnapshotsClient(this);
        Leases = new LeasesClient(this);
        Volumes = new VolumesClient(this);
        Networks = new NetworksClient(this);
        Content = new ContentClient(this);
        Gc = new GcClient(this);
        Tasks = new TasksClient(this);
        Users = new UsersClient(this);
        Events = new EventsClient(events, this);
    }

    public PlatformClientOptions Options { get; }

    public ContainersClient Containers { get; }

    public ImagesClient Images { get; }

    public SnapshotsClient Snapshots { get; }

    public LeasesClient Leases { get; }

    /// <summary>Named volumes of the resource GC service.</summary>
    public VolumesClient Volumes { get; }

    /// <summary>Bridge networks of the task runner's network manager.</summary>
    public NetworksClient Networks { get; }

    public ContentClient Content { get; }

    public GcClient Gc { get; }

    public TasksClient Tasks { get; }

    public EventsClient Events { get; }

    public UsersClient Users { get; }

    /// <summary>
    /// Connects to the broker: one AMQP connection, no MassTransit bus, for requests and event subscriptions alike.
    /// Unavailable when the broker can't be reached in time. Everything it declares is named <c>client:USER:…</c>
    /// (<see cref="ClientNames"/>): its commands go out through an exchange of its own and its replies come back on
    /// RabbitMQ's direct reply-to, so a user needs no rights on the services' queues beyond writing the commands it may
    /// send (<see cref="ClientPermissions"/>).
    /// </summary>
    public static async Task<PlatformClient> ConnectAsync(PlatformClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PlatformClientOptions();
        var tls = BusTls.Create(options.BusUri, options.Tls);
        if (tls is not null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                // A certificate that does not verify is reported now with its reason, not as a connection that keeps failing.
                await tls.ProbeAsync(timeout.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw RequestErrors.Unreachable(options.BusUri, options.ConnectTimeout, e);
            }
        }
        var connection = await BrokerConnection.OpenAsync(options, tls, cancellationToken);
        var routes = new ClientRoutes(options.BusUri, connection);
        return new PlatformClient(new DirectRequests(connection, routes), connection, routes, new DirectEvents(connection, routes, options), options);
    }

    internal string Namespace(string? requested) => string.IsNullOrEmpty(requested) ? Options.Namespace : requested;

    /// <summary>Sends a request to a service queue and returns its result, or throws its error as a <see cref="PlatformException"/>.</summary>
    public Task<TResult> RequestAsync<TRequest, TResult>(string queue, TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        RequestAsync<TRequest, TResult>(queue, request, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As above, for requests the service may hold on purpose (waits, log follows): <paramref name="held"/> is added to
    /// the client's timeout.
    /// </summary>
    public Task<TResult> RequestAsync<TRequest, TResult>(string queue, TRequest request, TimeSpan held, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        _requests.RequestAsync<TRequest, TResult>(queue, Options.EndpointPrefix + queue, request, Options.Timeout + held, cancellationToken);

    /// <summary>As <see cref="RequestAsync{TRequest, TResult}(string, TRequest, CancellationToken)"/>, sending the request's binary form where the connection allows.</summary>
    internal Task<TResult> RequestBinaryAsync<TRequest, TResult>(string queue, TRequest request, BinaryRequest binary, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        _requests.RequestBinaryAsync<TRequest, TResult>(queue, Options.EndpointPrefix + queue, request, binary, Options.Timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _requests.DisposeAsync();
        if (_routes is not null)
            await _routes.DisposeAsync();
        if (_connection is not null)
            await _connection.DisposeAsync();
    }
}
