using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A client that owns its connection (<see cref="PlatformClient.ConnectAsync"/>) sends requests over RabbitMQ.Client
/// and direct reply-to, with no MassTransit bus: every outcome a caller can meet comes back as it did over MassTransit.
/// </summary>
public sealed class When_a_client_sends_requests_over_its_own_connection(When_a_client_sends_requests_over_its_own_connection.LargeChunkFixture fixture)
    : IClassFixture<When_a_client_sends_requests_over_its_own_connection.LargeChunkFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private const string Namespace = "direct";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CreateContainer Container(string id) => new() { Namespace = Namespace, Id = id, Runtime = new() { Name = "runc" }, Spec = Spec };

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Error_replies_keep_their_kind()
    {
        var id = NewId("kinds-");
        await fixture.Client.Containers.CreateAsync(Container(id), Ct);

        var missing = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.GetAsync("no-such-" + id, Namespace, Ct));
        var twice = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(Container(id), Ct));
        var invalid = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(Container("-bad"), Ct));

        Assert.Equal((ErrorKind.NotFound, ErrorKind.AlreadyExists, ErrorKind.InvalidArgument), (missing.Kind, twice.Kind, invalid.Kind));
        Assert.Contains("no-such-" + id, missing.Message);
        Assert.Contains("container id \"-bad\"", invalid.Message);
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_reply()
    {
        var ids = Enumerable.Range(0, 16).Select(_ => NewId("many-")).ToList();
        await Task.WhenAll(ids.Select(id => fixture.Client.Containers.CreateAsync(Container(id) with { Labels = new Dictionary<string, string> { ["id"] = id } }, Ct)));

        // Four reads of each, all in flight at once on the one channel, answered in whatever order the service picks.
        var reads = await Task.WhenAll(ids.SelectMany(id => Enumerable.Repeat(id, 4))
            .Select(async id => (Asked: id, Got: await fixture.Client.Containers.GetAsync(id, Namespace, Ct))));

        Assert.All(reads, r => Assert.Equal((r.Asked, r.Asked), (r.Got.Id, r.Got.Labels["id"])));
    }

    [Fact]
    public async Task A_chunk_of_8_MiB_goes_out_and_comes_back_whole()
    {
        var blob = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));

        var written = await fixture.Client.Content.WriteAsync(new MemoryStream(blob), blob.Length, digest, "big-" + Guid.NewGuid().ToString("N"),
            @namespace: Namespace, cancellationToken: Ct);
        var read = new MemoryStream();
        await fixture.Client.Content.CopyToAsync(digest, read, Namespace, Ct);

        Assert.Equal(blob.Length, written.Size);
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(read.ToArray())));
        await fixture.Client.Content.DeleteAsync(digest, Namespace, Ct);
    }

    [Fact]
    public async Task No_reply_within_the_timeout_is_Unavailable_and_names_the_queue()
    {
        // A service queue (and its exchange) that nothing consumes: the request is delivered and never answered.
        var prefix = $"silent{Guid.NewGuid():N}"[..14] + "-";
        var queue = prefix + ContainerQueues.Get;
        await using var broker = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
        await using var channel = await broker.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: Ct);
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, cancellationToken: Ct);
        await channel.QueueBindAsync(queue, queue, "", cancellationToken: Ct);
        try
        {
            var options = fixture.ClientOptions;
            options.EndpointPrefix = prefix;
            options.Timeout = TimeSpan.FromSeconds(1);
            await using var client = await PlatformClient.ConnectAsync(options, Ct);
            var clock = Stopwatch.StartNew();

            var silent = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.GetAsync("c", Namespace, Ct));

            Assert.Equal(ErrorKind.Unavailable, silent.Kind);
            Assert.Contains($"no reply from {ContainerQueues.Get} within 1 s", silent.Message);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
            // The request expired with its timeout: it does not wait in the queue for a service that starts later.
            await Eventually.TrueAsync(async () => (await channel.QueueDeclarePassiveAsync(queue, Ct)).MessageCount == 0, Ct, TimeSpan.FromSeconds(5));
        }
        finally
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
            await channel.ExchangeDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_service_whose_exchange_exists_but_no_queue_is_bound_yet_is_Unavailable_at_once()
    {
        // As while a service starts: MassTransit has declared the exchange, not yet bound its queue. The request would
        // be dropped as unroutable and waited for until the timeout; it comes back instead.
        var prefix = $"unbound{Guid.NewGuid():N}"[..14] + "-";
        var exchange = prefix + ContainerQueues.Get;
        await using var broker = await new ConnectionFactory { Uri = Requirements.BusUri }.CreateConnectionAsync(Ct);
        await using var channel = await broker.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: Ct);
        try
        {
            var options = fixture.ClientOptions;
            options.EndpointPrefix = prefix;
            options.Timeout = TimeSpan.FromMinutes(5);
            await using var client = await PlatformClient.ConnectAsync(options, Ct);

            var unbound = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.GetAsync("c", Namespace, Ct));

            Assert.Equal(ErrorKind.Unavailable, unbound.Kind);
            Assert.Contains($"no queue receives {exchange}", unbound.Message);
        }
        finally
        {
            await channel.ExchangeDeleteAsync(exchange, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_service_that_does_not_exist_is_Unavailable_without_waiting_for_the_timeout()
    {
        var options = fixture.ClientOptions;
        options.EndpointPrefix = $"nothing{Guid.NewGuid():N}"[..14] + "-";
        await using var client = await PlatformClient.ConnectAsync(options, Ct);
        var clock = Stopwatch.StartNew();

        var missing = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.GetAsync("c", Namespace, Ct));

        Assert.Equal(ErrorKind.Unavailable, missing.Kind);
        Assert.Contains("is platformd", missing.Message);
        Assert.True(clock.Elapsed < options.Timeout / 2, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_refused_password_is_Unavailable_at_once_and_a_closed_port_after_the_connect_timeout()
    {
        var options = fixture.ClientOptions;
        var builder = new UriBuilder(Requirements.BusUri) { Password = "not-the-password" };
        options.BusUri = builder.Uri;
        options.ConnectTimeout = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<PlatformException>(() => PlatformClient.ConnectAsync(options, Ct));

        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Contains($"refused user \"{BusIdentity.UserOf(Requirements.BusUri)}\"", refused.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refused only after {clock.Elapsed}");

        options.BusUri = new UriBuilder(Requirements.BusUri) { Port = 1 }.Uri;
        options.ConnectTimeout = TimeSpan.FromSeconds(1);
        var down = await Assert.ThrowsAsync<PlatformException>(() => PlatformClient.ConnectAsync(options, Ct));
        Assert.Equal(ErrorKind.Unavailable, down.Kind);
        Assert.Contains("cannot reach RabbitMQ at", down.Message);
    }

    [Fact]
    public async Task Events_arrive_on_the_clients_own_connection()
    {
        await using var client = await PlatformClient.ConnectAsync(fixture.ClientOptions, Ct);
        var id = NewId("evt-");
        var created = new TaskCompletionSource<ContainerCreated>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await client.Events.SubscribeAsync((e, _) =>
                     {
                         if (e is ContainerCreated c && c.Container.Id == id)
                             created.TrySetResult(c);
                         return Task.CompletedTask;
                     }, namespaces: [Namespace], cancellationToken: Ct))
        {
            await client.Containers.CreateAsync(Container(id), Ct);
            Assert.Equal(Namespace, (await created.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct)).Namespace);
        }
    }

    [Fact]
    public async Task Events_still_arrive_after_the_broker_closed_the_subscribers_connection()
    {
        // A user of its own, so that its connections are the ones closed (and none of the concurrent tests').
        await using var user = await BrokerUsers.CreateAsync("events");
        var options = fixture.ClientOptions;
        options.BusUri = user.BusUri;
        await using var client = await PlatformClient.ConnectAsync(options, Ct);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var subscription = await client.Events.SubscribeAsync((e, _) =>
        {
            if (e is ContainerCreated c)
                seen[c.Container.Id] = true;
            return Task.CompletedTask;
        }, namespaces: [Namespace], cancellationToken: Ct);
        var before = NewId("before-");
        await fixture.Client.Containers.CreateAsync(Container(before), Ct);
        await Eventually.TrueAsync(() => seen.ContainsKey(before), Ct, because: "the subscription should work before the connection is closed");

        var connections = await BrokerUsers.RabbitMqCtlAsync(null, "list_connections", "-p", BrokerUsers.VirtualHost, "user", "--no-table-headers");
        Assert.Equal(1, connections.Split('\n').Count(l => l.Trim() == user.Name));
        await BrokerUsers.RabbitMqCtlAsync(null, "close_all_user_connections", user.Name, "closed by a test");

        // The client reconnects by itself (after RabbitMQ.Client's recovery interval); events created from then on arrive.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var after = new List<string>();
        while (!after.Any(seen.ContainsKey))
        {
            Assert.True(DateTime.UtcNow < deadline, "no event arrived within 60 s of the connection being closed");
            var id = NewId("after-");
            after.Add(id);
            await fixture.Client.Containers.CreateAsync(Container(id), Ct);
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        }
    }

    /// <summary>The service's own fixture, with content chunks of 8 MiB (the broker takes messages of up to 16 MiB).</summary>
    public sealed class LargeChunkFixture : PlatformFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ResourceGc:ImportChunkSize"] = (8 * 1024 * 1024).ToString() };
    }
}

/// <summary>An unexpected failure in a service reaches a client on its own connection as Internal, never a timeout.</summary>
public sealed class When_a_request_over_the_clients_own_connection_fails_unexpectedly(When_a_request_over_the_clients_own_connection_fails_unexpectedly.BrokenReferencesFixture fixture)
    : IClassFixture<When_a_request_over_the_clients_own_connection_fails_unexpectedly.BrokenReferencesFixture>
{
    [Fact]
    public async Task It_is_Internal_and_names_the_error_queue()
    {
        var request = new CreateContainer
        {
            Namespace = "direct", Id = "breaks", Runtime = new() { Name = "runc" }, Spec = "{}", Snapshotter = "native", SnapshotKey = "breaks",
        };

        var failed = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Internal, failed.Kind);
        // Worded by the service (its error reply to a plain reply address): the queue with its prefix, as the error queue is named.
        Assert.Contains($"{fixture.Prefix}{ContainerQueues.Create} failed unexpectedly: InvalidOperationException: the reference store broke", failed.Message);
        Assert.Contains($"{fixture.Prefix}{ContainerQueues.Create}_error", failed.Message);
    }

    public sealed class BrokenReferencesFixture : PlatformFixture
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ISnapshotReferences>(new BrokenReferences());
    }

    private sealed class BrokenReferences : ISnapshotReferences
    {
        public Task AddAsync(Container container, CancellationToken cancellationToken) =>
            container.SnapshotKey is null ? Task.CompletedTask : throw new InvalidOperationException("the reference store broke");

        public Task RemoveAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
