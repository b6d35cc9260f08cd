using System.Reflection;
using MassTransit;
using Platform.Contracts;
using RabbitMQ.Client;

namespace Platform.Client;

/// <summary>Lifecycle events as they happen, of every namespace or of the namespaces named.</summary>
public sealed class EventsClient
{
    private static readonly MethodInfo AddHandlerMethod =
        typeof(EventsClient).GetMethod(nameof(AddHandler), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly EventBus _bus;
    private readonly ClientRoutes? _routes;
    private readonly PlatformClientOptions _options;

    internal EventsClient(EventBus bus, ClientRoutes? routes, PlatformClientOptions options)
    {
        _bus = bus;
        _routes = routes;
        _options = options;
    }

    /// <summary>Every event type Platform publishes.</summary>
    public static IReadOnlyList<Type> All => EventTopology.EventTypes;

    /// <summary>
    /// Calls <paramref name="handler"/> for every event published from now on in <paramref name="namespaces"/>, or in
    /// every namespace when none are named (which the broker allows only administrators and the services: a user's
    /// topic permissions name its namespaces; PermissionDenied otherwise). Without a <paramref name="durableQueue"/>
    /// the subscription lives as long as it is not disposed; with one (named <c>client:USER:</c> + the services' queue
    /// prefix + it), events wait in that queue while the subscriber is away and nothing is missed. Events are handed
    /// over one at a time, in delivery order.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler,
        string? durableQueue = null, IReadOnlyCollection<string>? namespaces = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<string> keys = namespaces is null or { Count: 0 }
            ? [EventTopology.EveryNamespace]
            : [.. namespaces.Select(EventTopology.RoutingKeyOf).Distinct(StringComparer.Ordinal)];

        void Configure(IReceiveEndpointConfigurator e, bool bindHere)
        {
            // One at a time: the handler sees events in the order the broker delivers them (the relay publishes in
            // commit order), e.g. TaskStarted before TaskExited.
            e.ConcurrentMessageLimit = 1;
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                // MassTransit would bind the event exchanges without a routing key, which a topic exchange routes nothing to.
                rabbit.ConfigureConsumeTopology = false;
                if (bindHere)
                {
                    foreach (var type in EventTopology.EventTypes)
                    {
                        foreach (var key in keys)
                            rabbit.Bind(EventTopology.ExchangeOf(type), b => { b.ExchangeType = ExchangeType.Topic; b.RoutingKey = key; });
                    }
                }
            }
            foreach (var type in EventTopology.EventTypes)
                AddHandlerMethod.MakeGenericMethod(type).Invoke(null, [e, handler]);
        }

        var bus = await _bus.GetAsync(cancellationToken);
        if (_routes is null)
        {
            // A bus this client was given (a service host's, whose user may declare anything): MassTransit binds.
            var given = durableQueue is null
                ? bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), DefaultEndpointNameFormatter.Instance, e => Configure(e, bindHere: true))
                : bus.ConnectReceiveEndpoint(_options.EndpointPrefix + durableQueue, e => Configure(e, bindHere: true));
            await given.Ready.WaitAsync(cancellationToken);
            return new Subscription(given);
        }

        // Its own bus: a queue of its own name, bound below without declaring the event exchanges (see ClientRoutes).
        var queue = durableQueue is null ? ClientNames.Events(_routes.User) : ClientNames.Of(_routes.User) + _options.EndpointPrefix + durableQueue;
        var handle = bus.ConnectReceiveEndpoint(queue, e =>
        {
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                // Bound from the routes' connection, which an exclusive queue would refuse, and MassTransit makes every
                // queue that is neither durable nor kept exclusive; a temporary one is durable but deleted with its consumer.
                rabbit.Durable = true;
                rabbit.AutoDelete = durableQueue is null;
            }
            Configure(e, bindHere: false);
        });
        try
        {
            await handle.Ready.WaitAsync(cancellationToken);
            await _routes.BindEventsAsync(queue, keys, cancellationToken);
        }
        catch (Exception)
        {
            await handle.StopAsync(CancellationToken.None);
            throw;
        }
        return new Subscription(handle);
    }

    private static void AddHandler<T>(IReceiveEndpointConfigurator e, Func<IPlatformEvent, CancellationToken, Task> handler)
        where T : class, IPlatformEvent =>
        e.Handler<T>(context => handler(context.Message, context.CancellationToken));

    private sealed class Subscription(HostReceiveEndpointHandle handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await handle.StopAsync(CancellationToken.None);
    }
}
