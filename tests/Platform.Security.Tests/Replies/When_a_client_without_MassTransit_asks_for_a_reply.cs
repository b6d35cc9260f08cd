using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// Issue 9 part 10: replies reach the reply addresses other AMQP clients use (a server-named queue, RabbitMQ's direct
/// reply-to, a bare <c>reply_to</c> property) and error kinds travel as names. Requests are published with
/// RabbitMQ.Client alone, as a program in another language would.
/// </summary>
public sealed class When_a_client_without_MassTransit_asks_for_a_reply(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string CreateContainer = "platform:containers:CreateContainer";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan ReplyWithin = TimeSpan.FromSeconds(10);

    private static object NewContainer(string id, object? spec = null) =>
        new { id, runtime = new { name = "io.containerd.runc.v2" }, spec = spec ?? "{}" };

    [Fact]
    public async Task A_server_named_queue_in_the_response_address_gets_the_result()
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var queue = await raw.ServerNamedQueueAsync(Ct);
        Assert.StartsWith("amq.gen-", queue.Name);

        var requestId = await raw.SendAsync("create-container", CreateContainer, NewContainer("in-amq-gen"), RawClient.AddressOf(queue.Name), replyTo: null, Ct);

        var reply = await queue.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Contains("urn:message:platform:containers:CreateContainerResult", reply["messageType"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(requestId.ToString(), reply["requestId"]!.GetValue<string>());
        Assert.Equal("in-amq-gen", reply["message"]!["container"]!["id"]!.GetValue<string>());
        await Service.AnswersWithinASecondAsync(client, Ct);
        await Service.SettledAsync(fixture.Prefix + "create-container", errors: 0, Ct);
    }

    [Theory]
    [InlineData(true)]  // MassTransit's own way: the envelope names amq.rabbitmq.reply-to, the broker fills in reply_to
    [InlineData(false)] // the RabbitMQ tutorial's way: reply_to alone
    public async Task Direct_reply_to_gets_the_result(bool inEnvelope)
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var direct = await raw.DirectReplyToAsync(Ct);
        var id = inEnvelope ? "direct-envelope" : "direct-property";

        await raw.SendAsync("create-container", CreateContainer, NewContainer(id),
            inEnvelope ? RawClient.AddressOf("amq.rabbitmq.reply-to") : null, replyTo: "amq.rabbitmq.reply-to", Ct);

        var reply = await direct.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Equal(id, reply["message"]!["container"]!["id"]!.GetValue<string>());
        await Service.AnswersWithinASecondAsync(client, Ct);
        await Service.SettledAsync(fixture.Prefix + "create-container", errors: 0, Ct);
    }

    [Fact]
    public async Task The_reply_to_property_alone_names_a_queue_and_the_reply_carries_the_correlation_id()
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var queue = await raw.ServerNamedQueueAsync(Ct);

        var requestId = await raw.SendAsync("create-container", CreateContainer, NewContainer("by-reply-to"), responseAddress: null, replyTo: queue.Name, Ct);

        var reply = await queue.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Equal("by-reply-to", reply["message"]!["container"]!["id"]!.GetValue<string>());
        Assert.Equal(requestId.ToString(), queue.LastCorrelationId);
        await Service.AnswersWithinASecondAsync(client, Ct);
    }

    [Fact]
    public async Task An_error_reply_names_its_kind()
    {
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var queue = await raw.ServerNamedQueueAsync(Ct);

        await raw.SendAsync("get-container", "platform:containers:GetContainer", new { id = "nobody-made-this" }, responseAddress: null, replyTo: queue.Name, Ct);

        var reply = await queue.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Contains("urn:message:platform:ErrorReply", reply["messageType"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("NotFound", reply["message"]!["kind"]!.GetValue<string>());
        Assert.Contains("nobody-made-this", reply["message"]!["message"]!.GetValue<string>());
    }
}

/// <summary>
/// The mistake a client following the README would make if it did not say so: the OCI spec is a JSON string, not an
/// object. The message can't be read as the request; the client still hears why, by name.
/// </summary>
public sealed class When_a_client_without_MassTransit_sends_a_message_that_cannot_be_read(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task It_gets_InvalidArgument_by_name_and_the_request_waits_in_the_error_queue()
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var queue = await raw.ServerNamedQueueAsync(Ct);

        await raw.SendAsync("create-container", "platform:containers:CreateContainer",
            new { id = "spec-object", runtime = new { name = "io.containerd.runc.v2" }, spec = new { ociVersion = "1.0.2" } },
            responseAddress: null, replyTo: queue.Name, Ct);

        var reply = await queue.NextAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.NotNull(reply);
        Assert.Equal("InvalidArgument", reply["message"]!["kind"]!.GetValue<string>());
        Assert.Contains("spec", reply["message"]!["message"]!.GetValue<string>());
        Assert.Null(await queue.NextAsync(TimeSpan.FromMilliseconds(500), Ct));
        await Service.AnswersWithinASecondAsync(client, Ct);
        await Service.SettledAsync(fixture.Prefix + "create-container", errors: 1, Ct);
    }
}
