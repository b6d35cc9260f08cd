using Platform.Hosting.Bus;
using Platform.Metadata;
using Platform.ResourceGc;
using Platform.TaskRunner;
using RabbitMQ.Client;

namespace Platform.Testing;

/// <summary>
/// Deletes the durable queues and exchanges a host declared under its unique prefix, so test and benchmark runs
/// leave nothing behind to fill up or to slow the broker's next start (MACHINE-NOTES: a forgotten queue once
/// held 481,002 messages; thousands of leaked task queues once kept a restarted broker from booting at all).
/// The queue list comes from the same consumer composition platformd uses, so a new service's queues are
/// cleaned up without anyone remembering to list them here.
/// </summary>
public static class BrokerCleanup
{
    public static readonly string[] ServiceQueues = new ConsumerEndpoints()
        .AddMetadataConsumers().AddResourceGcConsumers().AddTaskRunnerConsumers()
        .All.Select(e => e.Queue).Distinct().ToArray();

    public static async Task DeleteQueuesAsync(Uri busUri, string prefix)
    {
        var factory = new ConnectionFactory { Uri = busUri };
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
