using MassTransit;

namespace Platform.Hosting.Bus;

/// <summary>
/// Which consumer listens on which queue. Queue names are part of the wire (see the contracts' *Queues
/// classes), so they are named here rather than derived from consumer class names.
/// </summary>
public sealed class ConsumerEndpoints
{
    private readonly List<(string Queue, Type Consumer)> _endpoints = [];
    private readonly Dictionary<string, int> _limits = [];
    private readonly Dictionary<string, List<Action<IReceiveEndpointConfigurator>>> _configurations = [];

    public IReadOnlyList<(string Queue, Type Consumer)> All => _endpoints;

    /// <summary>Queues whose consumers may hold a message for a long time, with how many they handle at once.</summary>
    public IReadOnlyDictionary<string, int> ConcurrencyLimits => _limits;

    /// <summary>What else each queue's receive endpoint is configured with (a deserializer for another content type, say).</summary>
    public IReadOnlyDictionary<string, List<Action<IReceiveEndpointConfigurator>>> Configurations => _configurations;

    /// <summary>Configures the receive endpoint of <paramref name="queue"/> further, after its consumers are added.</summary>
    public ConsumerEndpoints Configure(string queue, Action<IReceiveEndpointConfigurator> configure)
    {
        if (!_configurations.TryGetValue(queue, out var list))
            _configurations[queue] = list = [];
        list.Add(configure);
        return this;
    }

    /// <summary>Adds a consumer on a queue; several consumers may share one queue (an event subscription).</summary>
    public ConsumerEndpoints Add<TConsumer>(string queue) where TConsumer : class, IConsumer
    {
        _endpoints.Add((queue, typeof(TConsumer)));
        return this;
    }

    /// <summary>
    /// Adds a consumer on a queue whose messages it may hold on purpose (a wait, a log follow), handling up to
    /// <paramref name="concurrentMessageLimit"/> at once instead of the bus-wide limit, so held requests don't
    /// keep quick ones waiting.
    /// </summary>
    public ConsumerEndpoints Add<TConsumer>(string queue, int concurrentMessageLimit) where TConsumer : class, IConsumer
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentMessageLimit, 1);
        _limits[queue] = concurrentMessageLimit;
        return Add<TConsumer>(queue);
    }

    /// <summary>Adds a consumer of one command or query on that message's own queue (<see cref="Platform.Contracts.QueueNames"/>).</summary>
    public ConsumerEndpoints Add<TConsumer, TMessage>() where TConsumer : class, IConsumer<TMessage> where TMessage : class =>
        Add<TConsumer>(Platform.Contracts.QueueNames.Of<TMessage>());
}
