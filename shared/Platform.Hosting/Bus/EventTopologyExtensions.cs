using MassTransit;
using Platform.Client;
using Platform.Contracts;
using RabbitMQ.Client;

namespace Platform.Hosting.Bus;

/// <summary>The services' side of <see cref="EventTopology"/>: they publish events and subscribe to every namespace's.</summary>
public static class EventTopologyExtensions
{
    /// <summary>
    /// Events go to their topic exchanges, routed by namespace, and every event exchange is declared when the bus
    /// starts, so a client can bind a subscription before the first event of a type was ever published (a client may
    /// not declare event exchanges itself: declaring includes deleting).
    /// </summary>
    public static void UsePlatformEvents(this IRabbitMqBusFactoryConfigurator cfg)
    {
        cfg.UsePlatformEventTopology();
        cfg.DeployPublishTopology = true;
    }

    /// <summary>
    /// Binds a service endpoint whose consumers take events to their exchanges with <c>#</c>: every namespace. Left to
    /// MassTransit, the binding would have no routing key, which a topic exchange routes nothing to.
    /// </summary>
    public static void BindEventConsumers(this IRabbitMqReceiveEndpointConfigurator endpoint, IEnumerable<Type> consumers)
    {
        var events = consumers
            .SelectMany(c => c.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .Where(typeof(IPlatformEvent).IsAssignableFrom)
            .Distinct()
            .ToList();
        if (events.Count == 0)
            return;
        endpoint.ConfigureConsumeTopology = false;
        foreach (var type in events)
        {
            endpoint.Bind(EventTopology.ExchangeOf(type), b =>
            {
                b.ExchangeType = ExchangeType.Topic;
                b.RoutingKey = EventTopology.EveryNamespace;
            });
        }
    }
}
