using Platform.Contracts.Containers;
using RabbitMQ.Client;

namespace Platform.Testing;

/// <summary>
/// Deletes the durable queues and exchanges a fixture's host declared under its unique prefix, so test runs
/// leave no queues behind to fill up (see MACHINE-NOTES: a forgotten queue once held 481,002 messages).
/// </summary>
public static class BrokerCleanup
{
    public static readonly string[] ServiceQueues =
    [
        ContainerQueues.Create, ContainerQueues.Get, ContainerQueues.List, ContainerQueues.Update, ContainerQueues.Delete,
        Platform.Contracts.Resources.ResourceQueues.Events,
        .. typeof(Platform.Contracts.Resources.Snapshot).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Platform.Contracts.Resources.Snapshot).Namespace && t.Name is not (nameof(Platform.Contracts.Resources.Snapshot)))
            .Select(Platform.Contracts.QueueNames.Of),
    ];

    public static async Task DeleteQueuesAsync(string prefix)
    {
        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in ServiceQueues)
        {
            foreach (var name in new[] { prefix + queue, prefix + queue + "_error", prefix + queue + "_skipped" })
            {
                await channel.QueueDeleteAsync(name);
                await channel.ExchangeDeleteAsync(name);
            }
        }
    }
}

/// <summary>Reads queue depths straight from the broker, as an operator would.</summary>
public static class BrokerProbe
{
    /// <summary>Messages ready in the queue; 0 when it does not exist (yet).</summary>
    public static async Task<uint> MessageCountAsync(string queue, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        // A passive declare of a missing queue closes the channel, so each probe takes a fresh one.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }
}
