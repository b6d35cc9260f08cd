using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// Issue 9 part 10, "no message takes a service down": a request whose reply can't be delivered is consumed, its
/// reply logged and dropped, and the endpoint keeps consuming. Before, a response address naming a server-named queue
/// made MassTransit declare an exchange of that reserved name on the request's own channel; the broker closed the
/// channel, the request came back about once a second for ever and the create-container endpoint was left without
/// a consumer.
/// </summary>
public sealed class When_a_reply_cannot_be_delivered(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("amq.gen-nobody-declared-this")] // a server-named queue that is gone
    [InlineData("amq.topic")]                    // exchange names RabbitMQ reserves
    [InlineData("amq.direct")]
    [InlineData("amq.rabbitmq.reply-to")]        // direct reply-to without the reply_to property the broker fills in
    [InlineData("{prefix}nobody-reads-this")]    // an exchange MassTransit may declare, bound to nothing
    public async Task The_request_is_consumed_and_the_service_keeps_answering(string replyTo)
    {
        var name = replyTo.Replace("{prefix}", fixture.Prefix);
        try
        {
            await AskAsync(RawClient.AddressOf(name), $"gone-{Guid.NewGuid():N}"[..17]);
        }
        finally
        {
            if (!name.StartsWith("amq.", StringComparison.Ordinal))
                await DeleteExchangeAsync(name);
        }
    }

    [Fact]
    public async Task An_exchange_of_another_type_is_left_alone_and_the_service_keeps_answering()
    {
        var name = fixture.Prefix + "direct-replies";
        await using (var connection = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
            await channel.ExchangeDeclareAsync(name, ExchangeType.Direct, durable: false, autoDelete: false, cancellationToken: Ct);

        try
        {
            // MassTransit would declare a durable fanout exchange of that name: 406 PRECONDITION_FAILED, channel closed.
            await AskAsync(RawClient.AddressOf(name), "other-type");
        }
        finally
        {
            await DeleteExchangeAsync(name);
        }
    }

    [Fact]
    public async Task An_exchange_type_the_broker_lacks_is_refused_without_asking_the_broker()
    {
        // Declaring an unknown exchange type is a connection error: it would take every endpoint down at once.
        await AskAsync(RawClient.AddressOf(fixture.Prefix + "odd-replies") + "?type=x-no-such-type", "odd-type");
    }

    private async Task AskAsync(string responseAddress, string id)
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);

        await raw.SendAsync("create-container", "platform:containers:CreateContainer",
            new { id, runtime = new { name = "io.containerd.runc.v2" }, spec = "{}" }, responseAddress, replyTo: null, Ct);

        await Service.SettledAsync(fixture.Prefix + "create-container", errors: 0, Ct);
        Assert.Equal(id, (await client.Containers.GetAsync(id, cancellationToken: Ct)).Id); // the request did its work
        await Service.AnswersWithinASecondAsync(client, Ct);
    }

    private static async Task DeleteExchangeAsync(string name)
    {
        await using var connection = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeleteAsync(name, cancellationToken: Ct);
    }
}
