using Platform.Hosting.Bus.Replies;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>Where replies go, decided from the envelope's <c>responseAddress</c> and the AMQP <c>reply_to</c> property.</summary>
public sealed class When_a_request_says_where_replies_go
{
    private const string Vhost = "rabbitmq://127.0.0.1/vh/";

    [Theory]
    [InlineData(Vhost + "amq.gen-AbC123", null, "amq.gen-AbC123")]                      // a server-named queue
    [InlineData(Vhost + "amq.gen-AbC123", "other", "amq.gen-AbC123")]                   // the envelope wins over reply_to
    [InlineData(Vhost + "amq.topic", null, "amq.topic")]                                // a reserved name is never declared
    [InlineData("queue:amq.gen-AbC123", null, "amq.gen-AbC123")]
    [InlineData(Vhost + "amq.rabbitmq.reply-to", "amq.rabbitmq.reply-to.g1h2AA.xyz==", "amq.rabbitmq.reply-to.g1h2AA.xyz==")]
    [InlineData(null, "amq.gen-AbC123", "amq.gen-AbC123")]                               // the RPC tutorial's way
    [InlineData(null, "my-replies", "my-replies")]
    [InlineData(null, "amq.rabbitmq.reply-to.g1h2AA.xyz==", "amq.rabbitmq.reply-to.g1h2AA.xyz==")]
    public void A_name_MassTransit_cannot_declare_is_reached_as_a_queue(string? responseAddress, string? replyTo, string queue) =>
        Assert.Equal(new ReplyTarget.Queue(queue), ReplyTarget.Of(responseAddress is null ? null : new Uri(responseAddress), replyTo));

    [Theory]
    [InlineData(Vhost + "client-bus-xyz?temporary=true")]
    [InlineData(Vhost + "my-replies")]
    [InlineData("exchange:my-replies")]
    public void Any_other_address_is_an_exchange_as_MassTransit_reads_it(string responseAddress) =>
        Assert.Equal(new ReplyTarget.Exchange(new Uri(responseAddress)), ReplyTarget.Of(new Uri(responseAddress), "amq.gen-ignored"));

    [Fact]
    public void Without_an_address_or_reply_to_no_reply_is_asked_for() =>
        Assert.IsType<ReplyTarget.None>(ReplyTarget.Of(null, null));

    [Theory]
    [InlineData(Vhost + "amq.rabbitmq.reply-to", null)]                    // direct reply-to needs the broker's reply_to
    [InlineData(Vhost + "amq.rabbitmq.reply-to", "amq.gen-AbC123")]
    [InlineData("loopback://localhost/somewhere", null)]                  // not RabbitMQ
    [InlineData("rabbitmq://127.0.0.1/", null)]                           // names nothing
    public void An_address_replies_cannot_reach_is_unusable(string responseAddress, string? replyTo) =>
        Assert.IsType<ReplyTarget.Unusable>(ReplyTarget.Of(new Uri(responseAddress), replyTo));

    [Fact]
    public void A_name_longer_than_AMQP_allows_is_unusable()
    {
        Assert.IsType<ReplyTarget.Unusable>(ReplyTarget.Of(null, new string('q', 256)));
        Assert.IsType<ReplyTarget.Unusable>(ReplyTarget.Of(new Uri(Vhost + "amq.gen-" + new string('q', 250)), null));
    }
}
