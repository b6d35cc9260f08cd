using RabbitMQ.Client;

namespace Platform.Testing;

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
