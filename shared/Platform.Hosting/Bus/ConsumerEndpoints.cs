using MassTransit;

namespace Platform.Hosting.Bus;

/// <summary>
/// Which consumer listens on which queue. Queue names are part of the wire (see the contracts' *Queues
/// classes), so they are named here rather than derived from consumer class names.
/// </summary>
public sealed class ConsumerEndpoints
{
    private readonly List<(string Queue, Type Consumer)> _endpoints = [];

    public IReadOnlyList<(string Queue, Type Consumer)> All => _endpoints;

    public ConsumerEndpoints Add<TConsumer>(string queue) where TConsumer : class, IConsumer
    {
        _endpoints.Add((queue, typeof(TConsumer)));
        return this;
    }
}
