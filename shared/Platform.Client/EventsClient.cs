using System.Reflection;
using MassTransit;
using Platform.Contracts;

namespace Platform.Client;

/// <summary>Lifecycle events as they happen.</summary>
public sealed class EventsClient(IBus bus, PlatformClientOptions options)
{
    private static readonly Type[] EventTypes = typeof(IPlatformEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlatformEvent).IsAssignableFrom(t))
        .OrderBy(t => t.Name)
        .ToArray();

    private static readonly MethodInfo AddHandlerMethod =
        typeof(EventsClient).GetMethod(nameof(AddHandler), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Every event type Platform publishes.</summary>
    public static IReadOnlyList<Type> All => EventTypes;

    /// <summary>
    /// Calls <paramref name="handler"/> for every event published from now on. Without a
    /// <paramref name="durableQueue"/> the subscription lives as long as it is not disposed; with one, events
    /// wait in that queue while the subscriber is away and nothing is missed. Events are handed over one at a time,
    /// in delivery order.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler,
        string? durableQueue = null, CancellationToken cancellationToken = default)
    {
        void Configure(IReceiveEndpointConfigurator e)
        {
            // One at a time: the handler sees events in the order the broker delivers them (the relay publishes in
            // commit order), e.g. TaskStarted before TaskExited.
            e.ConcurrentMessageLimit = 1;
            foreach (var type in EventTypes)
                AddHandlerMethod.MakeGenericMethod(type).Invoke(null, [e, handler]);
        }

        var handle = durableQueue is null
            ? bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), DefaultEndpointNameFormatter.Instance, Configure)
            : bus.ConnectReceiveEndpoint(options.EndpointPrefix + durableQueue, Configure);
        await handle.Ready.WaitAsync(cancellationToken);
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
