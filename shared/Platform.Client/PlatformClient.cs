using MassTransit;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Client;

/// <summary>
/// The typed client every caller uses (CLI, tests, services). Every failure surfaces as a
/// <see cref="PlatformException"/> carrying its <see cref="ErrorKind"/>: error replies keep their kind, a
/// missing reply becomes Unavailable, a faulted consumer becomes Internal.
/// </summary>
public sealed class PlatformClient : IAsyncDisposable
{
    private readonly IBus _bus;
    private readonly IBusControl? _owned;
    private readonly ClientRoutes? _routes;

    /// <summary>Uses a bus the caller owns (a service host, a test harness).</summary>
    public PlatformClient(IBus bus, PlatformClientOptions? options = null)
        : this(bus, null, null, options ?? new PlatformClientOptions())
    {
    }

    private PlatformClient(IBus bus, IBusControl? owned, ClientRoutes? routes, PlatformClientOptions options)
    {
        _bus = bus;
        _owned = owned;
        _routes = routes;
        Options = options;
        Containers = new ContainersClient(this);
        Images = new ImagesClient(this);
        Snapshots = new SnapshotsClient(this);
        Leases = new LeasesClient(this);
        Content = new ContentClient(this);
        Gc = new GcClient(this);
        Tasks = new TasksClient(this);
        Users = new UsersClient(this);
        Events = new EventsClient(bus, routes, options);
    }

    public PlatformClientOptions Options { get; }

    public ContainersClient Containers { get; }

    public ImagesClient Images { get; }

    public SnapshotsClient Snapshots { get; }

    public LeasesClient Leases { get; }

    public ContentClient Content { get; }

    public GcClient Gc { get; }

    public TasksClient Tasks { get; }

    public EventsClient Events { get; }

    public UsersClient Users { get; }

    /// <summary>
    /// Connects its own bus to the broker. Unavailable when the broker can't be reached in time. Everything it
    /// declares is named <c>client:USER:…</c> (<see cref="ClientNames"/>): its commands go out through an exchange of
    /// its own and its replies come back to a queue of its own, so a user needs no rights on the services' queues
    /// beyond writing the commands it may send (<see cref="ClientPermissions"/>).
    /// </summary>
    public static async Task<PlatformClient> ConnectAsync(PlatformClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PlatformClientOptions();
        var tls = BusTls.Create(options.BusUri, options.Tls);
        var routes = new ClientRoutes(options.BusUri, tls);
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(options.BusUri, h => tls?.Apply(h));
            cfg.StampUserId(options.BusUri);
            cfg.UsePlatformJson();
            cfg.OverrideDefaultBusEndpointQueueName(ClientNames.BusEndpoint(routes.User));
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            // A certificate that does not verify is reported now with its reason, not as a timeout.
            if (tls is not null)
                await tls.ProbeAsync(timeout.Token);
            await bus.StartAsync(timeout.Token);
        }
        catch (PlatformException)
        {
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await bus.StopAsync(CancellationToken.None);
            await routes.DisposeAsync();
            throw PlatformException.Unavailable(
                $"cannot reach RabbitMQ at {options.BusUri.Host}:{BusTls.PortOf(options.BusUri)} within {options.ConnectTimeout.TotalSeconds:0} s: {e.GetBaseException().Message}", e);
        }
        return new PlatformClient(bus, bus, routes, options);
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
    public async Task<TResult> RequestAsync<TRequest, TResult>(string queue, TRequest request, TimeSpan held, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class
    {
        var timeout = Options.Timeout + held;
        var destination = Options.EndpointPrefix + queue;
        // The request timeout starts once the message is sent; this one also bounds the send itself.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await SendRequestAsync<TRequest, TResult>(destination, request, timeout, deadline.Token);
            if (response.Is(out Response<TResult>? result))
                return result.Message;
            response.Is(out Response<ErrorReply>? error);
            var reply = error!.Message;
            throw new PlatformException(Enum.IsDefined(reply.Kind) ? reply.Kind : ErrorKind.Internal, reply.Message);
        }
        catch (Exception e) when (e is RequestTimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Bound again next time, in case the route went with a deleted exchange.
            _routes?.Forget(destination);
            throw PlatformException.Unavailable(
                $"no reply from {queue} within {timeout.TotalSeconds:0} s; is platformd (or the service owning {queue}) running?", e);
        }
        catch (RequestFaultException e)
        {
            var cause = e.Fault?.Exceptions.FirstOrDefault();
            throw PlatformException.Internal(
                $"{queue} failed unexpectedly: {cause?.ExceptionType}: {cause?.Message} (the message was moved to the {queue}_error queue)", e);
        }
    }

    /// <summary>
    /// Over its own bus, through the client's send exchange with the queue's name as the routing key; over a bus it
    /// was given (a service's, a test harness's), straight to the queue, which MassTransit declares.
    /// </summary>
    private async Task<Response<TResult, ErrorReply>> SendRequestAsync<TRequest, TResult>(string destination, TRequest request, TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class
    {
        var requestTimeout = RequestTimeout.After(ms: (int)timeout.TotalMilliseconds);
        if (_routes is null)
            return await _bus.CreateRequestClient<TRequest>(new Uri($"queue:{destination}"), requestTimeout)
                .GetResponse<TResult, ErrorReply>(request, cancellationToken);
        await _routes.RouteAsync(destination, cancellationToken);
        return await _bus.CreateRequestClient<TRequest>(_routes.SendAddress, requestTimeout)
            .GetResponse<TResult, ErrorReply>(request, x => x.UseExecute(context => context.SetRoutingKey(destination)), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
            await _owned.StopAsync(CancellationToken.None);
        if (_routes is not null)
            await _routes.DisposeAsync();
    }
}
