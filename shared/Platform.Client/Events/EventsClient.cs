using Platform.Contracts;

namespace Platform.Client;

/// <summary>
/// Lifecycle events as they happen, of every namespace or of the namespaces named; and the events the services keep
/// (<c>Events:History</c>: published events for 24 hours and at most 100,000 per service, by default).
/// </summary>
public sealed class EventsClient
{
    private readonly IEventSource _source;
    private readonly EventHistory _history;

    internal EventsClient(IEventSource source, PlatformClient client)
    {
        _source = source;
        _history = new EventHistory(client);
    }

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

    /// <summary>
    /// The events the services kept, from <paramref name="from"/> (<see cref="EventsFrom.Oldest"/> when null) up to
    /// <paramref name="until"/> (or the last committed), that match <paramref name="filters"/> (as <c>events --filter</c>),
    /// of <paramref name="namespaces"/> or of every namespace when none are named (administrators only; PermissionDenied
    /// otherwise, as for a subscription). Each service's events come in its commit order; the services' are merged by
    /// timestamp, ties by service (metadata, resource GC, task runner), then commit order. Events are the objects a live
    /// subscriber receives. NotFound when <see cref="EventsFrom.EventId"/> is no longer kept by any service.
    /// </summary>
    public IAsyncEnumerable<IPlatformEvent> ReadHistoryAsync(EventsFrom? from = null, DateTimeOffset? until = null,
        IReadOnlyList<string>? filters = null, IReadOnlyCollection<string>? namespaces = null, CancellationToken cancellationToken = default) =>
        _history.ReadAsync(from ?? EventsFrom.Oldest, until, filters, namespaces, cancellationToken);

    /// <summary>
    /// Replays the kept events from <paramref name="from"/>, then calls <paramref name="handler"/> for every event
    /// published from then on, as the other overload does, with <paramref name="filters"/> applied to both. No gap and
    /// no duplicate at the seam: the live subscription is bound <b>before</b> the history is read, live events are
    /// buffered while it is replayed, and a live event whose id the replay already delivered is dropped; so every event
    /// committed from <paramref name="from"/> on is handed over exactly once (redeliveries of the same live event aside,
    /// as with any subscription). Returns once the history has been handed over, one event at a time, in order; errors
    /// reading it (PermissionDenied, NotFound for an event id no longer kept) are thrown here.
    /// </summary>
    public Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler, EventsFrom from,
        IReadOnlyCollection<string>? namespaces = null, IReadOnlyList<string>? filters = null, CancellationToken cancellationToken = default) =>
        CatchUpSubscription.StartAsync(this, _history, handler, from, namespaces, filters, cancellationToken);
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
