using Platform.Contracts;

namespace Platform.Client;

/// <summary>Lifecycle events as they happen, of every namespace or of the namespaces named.</summary>
public sealed class EventsClient
{
    private readonly IEventSource _source;

    internal EventsClient(IEventSource source) => _source = source;

    /// <summary>Every event type Platform publishes.</summary>
    public static IReadOnlyList<Type> All => EventTopology.EventTypes;

    /// <summary>
    /// Calls <paramref name="handler"/> for every event published from now on in <paramref name="namespaces"/>, or in
    /// every namespace when none are named (which the broker allows only administrators and the services: a user's
    /// topic permissions name its namespaces; PermissionDenied otherwise). Without a <paramref name="durableQueue"/>
    /// the subscription lives as long as it is not disposed; with one (named <c>client:USER:</c> + the services' queue
    /// prefix + it), events wait in that queue while the subscriber is away and nothing is missed. Events are handed
    /// over one at a time, in delivery order. A subscription outlives a lost connection: once the client has
    /// reconnected, its queue is declared and bound again.
    /// </summary>
    public Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler,
        string? durableQueue = null, IReadOnlyCollection<string>? namespaces = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<string> keys = namespaces is null or { Count: 0 }
            ? [EventTopology.EveryNamespace]
            : [.. namespaces.Select(EventTopology.RoutingKeyOf).Distinct(StringComparer.Ordinal)];
        return _source.SubscribeAsync(handler, durableQueue, keys, cancellationToken);
    }
}

/// <summary>
/// Where a client's subscriptions are received: the connection it owns (<see cref="DirectEvents"/>, no MassTransit), or
/// the bus it was given (<see cref="BusEvents"/>). Two classes rather than a branch, so a native client never compiles
/// the MassTransit one in.
/// </summary>
internal interface IEventSource
{
    /// <param name="routingKeys">Namespaces, or <see cref="EventTopology.EveryNamespace"/>.</param>
    Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler, string? durableQueue,
        IReadOnlyCollection<string> routingKeys, CancellationToken cancellationToken);
}
