using System.Text;
using Platform.Client;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// The identity every authorisation decision rests on: RabbitMQ itself refuses a message whose <c>user_id</c> is not
/// the connection's user, so a client cannot claim to be the services or another user.
/// </summary>
public sealed class When_a_message_claims_another_user
{
    [Fact]
    public async Task The_broker_refuses_it_and_closes_the_channel()
    {
        Requirements.RabbitMq();
        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), TestContext.Current.CancellationToken);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: TestContext.Current.CancellationToken);

        var claimed = BusIdentity.UserOf(Requirements.BusUri) + "-not";
        var forged = new BasicProperties { UserId = claimed };
        var publish = async () => await channel.BasicPublishAsync("", queue.QueueName, mandatory: false, forged, Encoding.UTF8.GetBytes("{}"), TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAnyAsync<Exception>(publish);
        Assert.Contains("user_id", (refused as OperationInterruptedException)?.ShutdownReason?.ReplyText ?? refused.GetBaseException().Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_message_stamped_with_the_connections_own_user_is_delivered_with_that_user()
    {
        Requirements.RabbitMq();
        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: TestContext.Current.CancellationToken);

        var own = BusIdentity.UserOf(Requirements.BusUri);
        await channel.BasicPublishAsync("", queue.QueueName, mandatory: false, new BasicProperties { UserId = own }, Encoding.UTF8.GetBytes("{}"), TestContext.Current.CancellationToken);

        BasicGetResult? delivered = null;
        await Eventually.TrueAsync(async () => (delivered = await channel.BasicGetAsync(queue.QueueName, autoAck: true, TestContext.Current.CancellationToken)) is not null,
            TestContext.Current.CancellationToken, because: "the stamped message should be delivered");
        Assert.Equal(own, delivered!.BasicProperties.UserId);
    }
}
