using MassTransit;
using Platform.Contracts;
using RabbitMQ.Client;

namespace Platform.Client;

/// <summary>
/// Subscriptions on a MassTransit bus a client was given (a service host's or a test harness's, whose user may
/// declare anything): a receive endpoint per subscription, bound by MassTransit.
/// </summary>
internal sealed class BusEvents(IBus bus, PlatformClientOptions options) : IEventSource
{
    public async Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler, string? durableQueue,
        IReadOnlyCollection<string> routingKeys, CancellationToken cancellationToken)
    {
        void Configure(IReceiveEndpointConfigurator e)
        {
            // One at a time: the handler sees events in the order the broker delivers them (the relay publishes in
            // commit order), e.g. TaskStarted before TaskExited.
            e.ConcurrentMessageLimit = 1;
            if (e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                // MassTransit would bind the event exchanges without a routing key, which a topic exchange routes nothing to.
                rabbit.ConfigureConsumeTopology = false;
                foreach (var type in EventTopology.EventTypes)
                {
                    foreach (var key in routingKeys)
                        rabbit.Bind(EventTopology.ExchangeOf(type), b => { b.ExchangeType = ExchangeType.Topic; b.RoutingKey = key; });
                }
            }
            EventTopology.Visit(new Handlers(e, handler));
        }

        var handle = durableQueue is null
            ? bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), DefaultEndpointNameFormatter.Instance, Configure)
            : bus.ConnectReceiveEndpoint(options.EndpointPrefix + durableQueue, Configure);
        await handle.Ready.WaitAsync(cancellationToken);
        return new Subscription(handle);
    }

    private sealed class Handlers(IReceiveEndpointConfigurator endpoint, Func<IPlatformEvent, CancellationToken, Task> handler) : IEventTypeVisitor
    {
        public void Visit<T>()
            where T : class, IPlatformEvent =>
            endpoint.Handler<T>(context => handler(context.Message, context.CancellationToken));
    }

    private sealed class Subscription(HostReceiveEndpointHandle handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await handle.StopAsync(CancellationToken.None);
    }
}
