using MassTransit;

namespace Platform.Client;

/// <summary>
/// The MassTransit bus event subscriptions are received on: the one a client was given, or, for a client that owns its
/// connection, a bus of its own started on the first subscription (so a client that only sends requests never loads
/// MassTransit). Its bus endpoint is a temporary queue under the client's own names (<see cref="ClientNames"/>).
/// </summary>
internal sealed class EventBus : IAsyncDisposable
{
    private readonly IBus? _given;
    private readonly PlatformClientOptions _options;
    private readonly BusTls? _tls;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IBusControl? _owned;

    private EventBus(IBus? given, PlatformClientOptions options, BusTls? tls)
    {
        _given = given;
        _options = options;
        _tls = tls;
    }

    public static EventBus Given(IBus bus, PlatformClientOptions options) => new(bus, options, null);

    public static EventBus Own(PlatformClientOptions options, BusTls? tls) => new(null, options, tls);

    /// <summary>Unavailable when the client's own bus can't reach the broker within <see cref="PlatformClientOptions.ConnectTimeout"/>.</summary>
    public async Task<IBus> GetAsync(CancellationToken cancellationToken)
    {
        if (_given is not null)
            return _given;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_owned is not null)
                return _owned;
            var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
            {
                cfg.Host(_options.BusUri, h => _tls?.Apply(h));
                cfg.StampUserId(_options.BusUri);
                cfg.UsePlatformJson();
                cfg.OverrideDefaultBusEndpointQueueName(ClientNames.BusEndpoint(BusIdentity.UserOf(_options.BusUri)));
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout);
            try
            {
                await bus.StartAsync(timeout.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await bus.StopAsync(CancellationToken.None);
                throw Requests.RequestErrors.Unreachable(_options.BusUri, _options.ConnectTimeout, e);
            }
            return _owned = bus;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
            await _owned.StopAsync(CancellationToken.None);
        _gate.Dispose();
    }
}
