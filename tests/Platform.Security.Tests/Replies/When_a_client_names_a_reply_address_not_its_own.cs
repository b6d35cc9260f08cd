using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Users;
using Platform.Hosting.Bus.Replies;
using Platform.Security.Tests.Support;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// The services reply as their own broker user, which may publish almost anywhere. A user that names, as its reply or
/// fault address, what is not its own (another user's exchange, a service's command exchange, an event exchange, or an
/// exchange of its own bound to a service queue) is refused before any consumer runs, and nothing is sent there. Its own
/// names (client:USER:…), server-named queues and direct reply-to still get their replies.
/// </summary>
public sealed class When_a_client_names_a_reply_address_not_its_own(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private const string CreateContainerUrn = "platform:containers:CreateContainer";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan ReplyWithin = TimeSpan.FromSeconds(10);

    private string CreateQueue => fixture.Prefix + "create-container";

    private static object NewContainer(string id) => new { id, runtime = new { name = "io.containerd.runc.v2" }, spec = "{}" };

    [Fact]
    public async Task Another_users_exchange_is_refused_and_gets_nothing_while_the_services_own_reply_reaches_it()
    {
        await using var user = await GrantedUserAsync();
        await using var other = await BrokerUsers.CreateAsync("other");
        var exchange = ClientNames.Of(other.Name) + "replies";
        await using var watch = await Watch.ExchangeAsync(exchange, ExchangeType.Fanout, routingKey: "");
        try
        {
            var id = NewId("theirs");
            await SendAsAsync(user, id, RawClient.AddressOf(exchange));

            await RefusedUnreadAsync(id);
            Assert.Equal(0u, await watch.CountAsync());

            // The control: the same address from the services' own user (exempt) gets the reply, so the watch would see one.
            await SendAsAsync(null, NewId("control"), RawClient.AddressOf(exchange));
            await Eventually.TrueAsync(async () => await watch.CountAsync() == 1, Ct, because: "the services' own reply should reach the exchange");
        }
        finally
        {
            await Watch.DeleteExchangeAsync(exchange);
        }
    }

    [Fact]
    public async Task A_service_command_exchange_is_refused_and_its_queue_gets_nothing()
    {
        await using var user = await GrantedUserAsync();
        var id = NewId("command");

        await SendAsAsync(user, id, RawClient.AddressOf(CreateQueue));

        await RefusedUnreadAsync(id);
        // A reply there would reach the create-container queue, whose endpoint would set it aside as a type it does not consume.
        Assert.Equal(0u, await BrokerProbe.MessageCountAsync(CreateQueue + "_skipped", Ct));
    }

    [Fact]
    public async Task An_event_exchange_is_refused_and_gets_nothing()
    {
        await using var user = await GrantedUserAsync();
        var exchange = EventTopology.ExchangeOf(typeof(ContainerCreated));
        // Replies carry an empty routing key and events never do: this watch sees replies alone, not other tests' events.
        await using var watch = await Watch.ExchangeAsync(exchange, ExchangeType.Topic, routingKey: "");
        var id = NewId("event");

        await SendAsAsync(user, id, RawClient.AddressOf(exchange) + "?type=topic");

        await RefusedUnreadAsync(id);
        Assert.Equal(0u, await watch.CountAsync());
    }

    [Fact]
    public async Task An_own_exchange_bound_to_a_service_queue_is_refused_and_nothing_is_declared()
    {
        await using var user = await GrantedUserAsync();
        var exchange = ClientNames.Of(user.Name) + "sneaky";
        var id = NewId("bound");

        // MassTransit would declare the exchange, bind it to the get-container queue and send the reply through it.
        await SendAsAsync(user, id, RawClient.AddressOf(exchange) + $"?bind=true&queue={fixture.Prefix}get-container");

        await RefusedUnreadAsync(id);
        Assert.False(await Watch.ExchangeExistsAsync(exchange), $"{exchange} was declared for a refused reply address");
    }

    [Fact]
    public async Task A_fault_address_not_its_own_is_refused_with_PermissionDenied_to_its_own_reply_queue()
    {
        await using var user = await GrantedUserAsync();
        await using var other = await BrokerUsers.CreateAsync("other");
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct, user.BusUri);
        var queue = await raw.ServerNamedQueueAsync(Ct);
        var id = NewId("fault");
        var faults = RawClient.AddressOf(ClientNames.Of(other.Name) + "faults");

        await raw.SendAsync("create-container", CreateContainerUrn, NewContainer(id), RawClient.AddressOf(queue.Name), replyTo: null, Ct, faultAddress: faults);

        var reply = await queue.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Equal(nameof(ErrorKind.PermissionDenied), reply["message"]!["kind"]?.GetValue<string>());
        var message = reply["message"]!["message"]?.GetValue<string>() ?? "";
        Assert.Contains($"fault address {faults}", message);
        Assert.Contains(ReplyOwnership.Rule, message);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => fixture.Client.Containers.GetAsync(id, cancellationToken: Ct));
    }

    [Theory]
    [InlineData(false)] // a server-named queue, in the envelope
    [InlineData(true)]  // direct reply-to
    public async Task Its_server_named_queue_and_direct_reply_to_get_the_result(bool directReplyTo)
    {
        await using var user = await GrantedUserAsync();
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct, user.BusUri);
        var queue = directReplyTo ? await raw.DirectReplyToAsync(Ct) : await raw.ServerNamedQueueAsync(Ct);
        var id = NewId(directReplyTo ? "direct" : "amq-gen");

        await raw.SendAsync("create-container", CreateContainerUrn, NewContainer(id),
            RawClient.AddressOf(directReplyTo ? ReplyTarget.DirectReplyTo : queue.Name), replyTo: directReplyTo ? ReplyTarget.DirectReplyTo : null, Ct);

        var reply = await queue.NextAsync(ReplyWithin, Ct);
        Assert.NotNull(reply);
        Assert.Equal(id, reply["message"]!["container"]?["id"]?.GetValue<string>());
    }

    [Fact]
    public async Task Its_own_client_endpoint_gets_the_result()
    {
        await using var user = await GrantedUserAsync();
        await using var client = await fixture.ConnectAsync(user);
        var id = NewId("own");

        var created = await client.Containers.CreateAsync(Service.NewContainer(id), Ct);

        Assert.Equal(id, created.Id);
    }

    /// <summary>The request was settled without its consumer running: no container, nothing left in the queue or its <c>_error</c> queue.</summary>
    private async Task RefusedUnreadAsync(string id)
    {
        await Service.SettledAsync(CreateQueue, errors: 0, Ct);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => fixture.Client.Containers.GetAsync(id, cancellationToken: Ct));
    }

    /// <summary>Publishes a create-container request, as <paramref name="user"/> (null: the services' own user), naming <paramref name="responseAddress"/>.</summary>
    private async Task SendAsAsync(BrokerUser? user, string id, string responseAddress)
    {
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct, user?.BusUri);
        await raw.SendAsync("create-container", CreateContainerUrn, NewContainer(id), responseAddress, replyTo: null, Ct);
    }

    /// <summary>
    /// A broker user with a read-write grant in the default namespace, where the requests here create; privileged, so the
    /// runtime policy lets the bare specs here through and only the reply address decides.
    /// </summary>
    private async Task<BrokerUser> GrantedUserAsync()
    {
        var user = await BrokerUsers.CreateAsync("replier");
        await fixture.Client.Users.CreateAsync(new CreateUser
        {
            Name = user.Name, Grants = [new UserGrant { Namespace = Namespaces.Default, Role = NamespaceRole.ReadWrite, Privileged = true }],
        }, Ct);
        return user;
    }

    private static string NewId(string what) => $"{what}-{Guid.NewGuid():N}"[..(what.Length + 9)];

    /// <summary>A queue of the test's own bound to an exchange, counting what reaches it.</summary>
    private sealed class Watch(IConnection connection, IChannel channel, string queue) : IAsyncDisposable
    {
        public static async Task<Watch> ExchangeAsync(string exchange, string type, string routingKey)
        {
            var connection = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
            var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            // As MassTransit declares an exchange address without parameters: durable, not auto-deleted.
            await channel.ExchangeDeclareAsync(exchange, type, durable: true, autoDelete: false, cancellationToken: Ct);
            var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: Ct)).QueueName;
            await channel.QueueBindAsync(queue, exchange, routingKey, cancellationToken: Ct);
            return new Watch(connection, channel, queue);
        }

        public async Task<uint> CountAsync() => (await channel.QueueDeclarePassiveAsync(queue, Ct)).MessageCount;

        public static async Task<bool> ExchangeExistsAsync(string exchange)
        {
            await using var connection = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            try
            {
                await channel.ExchangeDeclarePassiveAsync(exchange, Ct);
                return true;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                return false;
            }
        }

        public static async Task DeleteExchangeAsync(string exchange)
        {
            await using var connection = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            await channel.ExchangeDeleteAsync(exchange, cancellationToken: Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await channel.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
