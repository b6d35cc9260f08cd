using Platform.Hosting.Bus.Replies;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>Which reply addresses a client may name (<see cref="ReplyOwnership"/>): its own names and reply-only destinations.</summary>
public sealed class When_a_client_names_its_reply_address
{
    private const string Vhost = "rabbitmq://127.0.0.1/vh/";

    [Theory]
    [InlineData("amq.gen-AbC123")]                          // a server-named queue
    [InlineData("amq.rabbitmq.reply-to.g1h2AA.xyz==")]      // direct reply-to, as the broker rewrote it
    [InlineData("client:alice:replies")]                    // a queue of its own, by reply_to
    public void A_reply_only_queue_or_its_own_queue_is_accepted(string queue) =>
        Assert.Null(ReplyOwnership.Refusal("alice", new ReplyTarget.Queue(queue)));

    [Theory]
    [InlineData(Vhost + "client:alice:bus-0123?temporary=true")]
    [InlineData("exchange:client:alice:replies")]
    public void An_exchange_of_its_own_is_accepted(string address) =>
        Assert.Null(ReplyOwnership.Refusal("alice", new ReplyTarget.Exchange(new Uri(address))));

    [Theory]
    [InlineData("create-container")]       // a service's queue
    [InlineData("client:bob:replies")]     // another user's
    [InlineData("client:alice-bob:x")]     // a user whose name starts with alice's
    [InlineData("amq.rabbitmq.reply-to")]  // the bare pseudo-queue, not rewritten by the broker
    [InlineData("amq.direct")]
    public void Any_other_queue_is_refused_with_the_rule(string queue)
    {
        var refusal = ReplyOwnership.Refusal("alice", new ReplyTarget.Queue(queue));

        Assert.NotNull(refusal);
        Assert.Contains($"queue {queue}", refusal);
        Assert.Contains("user \"alice\"", refusal);
        Assert.Contains(ReplyOwnership.Rule, refusal);
    }

    [Theory]
    [InlineData(Vhost + "create-container")]
    [InlineData(Vhost + "client:bob:bus-0123?temporary=true")]
    [InlineData(Vhost + "platform.events:containers:ContainerCreated?type=topic")]
    public void Any_other_exchange_is_refused(string address) =>
        Assert.Contains(address, ReplyOwnership.Refusal("alice", new ReplyTarget.Exchange(new Uri(address))));

    [Fact]
    public void An_exchange_of_its_own_that_would_bind_what_is_not_its_own_is_refused_naming_it()
    {
        var address = new Uri(Vhost + "client:alice:x?bind=true&queue=create-container");

        var refusal = ReplyOwnership.Refusal("alice", new ReplyTarget.Exchange(address), ["client:alice:x", "create-container"]);

        Assert.NotNull(refusal);
        Assert.Contains("create-container is not under client:alice:", refusal);
    }

    [Fact]
    public void A_message_without_user_id_owns_no_names()
    {
        Assert.NotNull(ReplyOwnership.Refusal(null, new ReplyTarget.Exchange(new Uri(Vhost + "client:alice:replies"))));
        Assert.Null(ReplyOwnership.Refusal(null, new ReplyTarget.Queue("amq.gen-AbC123")));
    }

    [Fact]
    public void The_fault_address_is_named_as_such() =>
        Assert.StartsWith("fault address ", ReplyOwnership.Refusal("alice", new ReplyTarget.Queue("create-container"), role: "fault address"));

    [Fact]
    public void No_reply_or_an_unusable_address_is_not_an_ownership_matter()
    {
        Assert.Null(ReplyOwnership.Refusal("alice", new ReplyTarget.None()));
        Assert.Null(ReplyOwnership.Refusal("alice", new ReplyTarget.Unusable("not RabbitMQ")));
    }
}
