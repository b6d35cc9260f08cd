using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Text;
using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit;

namespace Platform.Security.Tests.BrokerPermissions;

/// <summary>
/// A user made through <see cref="BrokerAdministration"/> gets the least RabbitMQ permissions that work: everything a
/// user does through the client library still works, and what only services may do is refused by the broker itself,
/// before any message reaches Platform's own checks.
/// </summary>
public sealed class When_a_user_has_least_broker_permissions(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Ns(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    // Privileged so the bare test spec passes the runtime policy: these tests are about the broker's rights, not the spec.
    private static UserGrant ReadWrite(string ns) => new() { Namespace = ns, Role = NamespaceRole.ReadWrite, Privileged = true };

    private static CreateContainer Container(string ns, string id) => new() { Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec };

    private string Queue<T>() => fixture.Prefix + QueueNames.Of<T>();

    [Fact]
    public async Task It_does_its_normal_work_through_the_client_library()
    {
        var ns = Ns("work");
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, ReadWrite(ns));
        await using var client = await user.ConnectAsync();
        var seen = new ConcurrentQueue<IPlatformEvent>();
        await using (await client.Events.SubscribeAsync((e, _) =>
                     {
                         seen.Enqueue(e);
                         return Task.CompletedTask;
                     }, namespaces: [ns], cancellationToken: Ct))
        {
            var created = await client.Containers.CreateAsync(Container(ns, "web"), Ct);
            Assert.Equal("web", created.Id);
            Assert.Equal("web", (await client.Containers.GetAsync("web", ns, Ct)).Id);
            Assert.Equal(["web"], (await client.Containers.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct)).Select(c => c.Id));
            await client.Containers.DeleteAsync("web", @namespace: ns, cancellationToken: Ct);

            using var archive = new MemoryStream();
            await using (var tar = new TarWriter(archive, leaveOpen: true))
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("hi")) }, Ct);
            archive.Position = 0;
            var imported = await client.Snapshots.ImportAsync(archive, "base", leaseId: null, snapshotter: "native", @namespace: ns, cancellationToken: Ct);
            Assert.Equal("base", imported.Key);
            await client.Snapshots.RemoveAsync("base", "native", ns, Ct);

            await Eventually.TrueAsync(() => seen.Any(e => e is ContainerDeleted { Id: "web" }), Ct, because: "its namespace's events should reach it");
        }
        Assert.Contains(seen, e => e is ContainerCreated created && created.Container.Id == "web");
        Assert.All(seen, e => Assert.Equal(ns, e.Namespace));
    }

    [Fact]
    public async Task It_sees_only_its_namespaces_events()
    {
        var mine = Ns("mine");
        var theirs = Ns("theirs");
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, new UserGrant { Namespace = mine, Role = NamespaceRole.Read });
        await using var client = await user.ConnectAsync();

        // The client library binds only what it is asked to, and the broker refuses the rest.
        var other = await Expect.DeniedAsync(() => client.Events.SubscribeAsync((_, _) => Task.CompletedTask, namespaces: [theirs], cancellationToken: Ct));
        Assert.Contains("ACCESS_REFUSED", other.Message);
        Assert.Contains(theirs, other.Message);
        var every = await Expect.DeniedAsync(() => client.Events.SubscribeAsync((_, _) => Task.CompletedTask, cancellationToken: Ct));
        Assert.Contains("every namespace", every.Message);

        // By hand, on a queue of its own: a wildcard or another namespace is refused, its namespace is allowed.
        await using var raw = await user.ConnectRawAsync();
        var queue = ClientNames.Of(user.Name) + "by-hand";
        var exchange = EventTopology.ExchangeOf(typeof(ContainerCreated));
        await using var owner = await raw.CreateChannelAsync(cancellationToken: Ct);
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, cancellationToken: Ct);
        try
        {
            var wildcard = await BrokerExpect.RefusesAsync(raw, c => c.QueueBindAsync(queue, exchange, "#", cancellationToken: Ct));
            Assert.Contains("topic", wildcard);
            await BrokerExpect.RefusesAsync(raw, c => c.QueueBindAsync(queue, exchange, theirs, cancellationToken: Ct));
            await BrokerExpect.AllowsAsync(raw, c => c.QueueBindAsync(queue, exchange, mine, cancellationToken: Ct));
        }
        finally
        {
            await owner.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_revoke_also_unbinds_a_subscription_made_before_it()
    {
        var kept = Ns("kept");
        var revoked = Ns("gone");
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, ReadWrite(kept), ReadWrite(revoked));
        await using var client = await user.ConnectAsync();
        var seen = new ConcurrentQueue<IPlatformEvent>();
        await using var subscription = await client.Events.SubscribeAsync((e, _) =>
        {
            seen.Enqueue(e);
            return Task.CompletedTask;
        }, namespaces: [kept, revoked], cancellationToken: Ct);

        await user.RevokeAsync(revoked);
        await fixture.Client.Containers.CreateAsync(Container(revoked, "after-revoke"), Ct);
        // The control, created after: once it arrived, the revoked namespace's event would have too.
        await fixture.Client.Containers.CreateAsync(Container(kept, "control"), Ct);
        await Eventually.TrueAsync(() => seen.Any(e => e is ContainerCreated { Container.Id: "control" }), Ct, because: "the kept namespace's events still arrive");
        Assert.DoesNotContain(seen, e => e.Namespace == revoked);
    }

    [Fact]
    public async Task The_broker_refuses_it_a_service_queue()
    {
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, ReadWrite(Ns("q")));
        await using var raw = await user.ConnectRawAsync();
        var queue = Queue<CreateContainer>();

        // Taking others' commands, deleting the queue or its exchange, or purging it: none of it.
        await BrokerExpect.RefusesAsync(raw, c => c.BasicConsumeAsync(queue, autoAck: true, new AsyncEventingBasicConsumer(c), Ct));
        await BrokerExpect.RefusesAsync(raw, c => c.QueueDeleteAsync(queue, cancellationToken: Ct));
        await BrokerExpect.RefusesAsync(raw, c => c.ExchangeDeleteAsync(queue, cancellationToken: Ct));
        await BrokerExpect.RefusesAsync(raw, c => c.QueuePurgeAsync(queue, Ct));
        // Nor may it declare a service queue (declaring is what lets one delete).
        await BrokerExpect.RefusesAsync(raw, c => c.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: Ct));
        // The queue is still there, served: the services' own client still gets answers.
        Assert.Empty(await fixture.Client.Containers.ListAsync(null, Ns("still"), cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task The_broker_refuses_it_publishing_an_event()
    {
        var ns = Ns("ev");
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, ReadWrite(ns));
        await using var raw = await user.ConnectRawAsync();
        var forged = Encoding.UTF8.GetBytes("{}");

        var refused = await BrokerExpect.RefusesAsync(raw, c => c.BasicPublishAsync(EventTopology.ExchangeOf(typeof(ContainerDeleted)), ns, forged, Ct).AsTask());
        Assert.Contains(EventTopology.ExchangeOf(typeof(ContainerDeleted)), refused);
        // Nor straight into the resource GC's event queue.
        await BrokerExpect.RefusesAsync(raw, c => c.BasicPublishAsync(fixture.Prefix + ResourceQueues.Events, "", forged, Ct).AsTask());
    }

    [Fact]
    public async Task The_broker_refuses_it_an_internal_command()
    {
        var ns = Ns("int");
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, ReadWrite(ns));
        await using var client = await user.ConnectAsync();

        // Through the client library: the broker refuses to route its send exchange to the internal command.
        var denied = await Expect.DeniedAsync(() => client.RequestAsync<RemoveReference, ReferenceResult>(QueueNames.Of<RemoveReference>(), RemoveReferenceIn(ns), Ct));
        Assert.Contains("ACCESS_REFUSED", denied.Message);
        Assert.Contains(Queue<RemoveReference>(), denied.Message);
        // By hand: publishing to the command's exchange.
        await using var raw = await user.ConnectRawAsync();
        await BrokerExpect.RefusesAsync(raw, c => c.BasicPublishAsync(Queue<AddReference>(), "", Encoding.UTF8.GetBytes("{}"), Ct).AsTask());
        // While its own commands are routed.
        Assert.Empty(await client.Containers.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task With_broad_broker_permissions_the_filter_still_refuses_an_internal_command()
    {
        // The layer below is the broker; the layer above, for users whose broker permissions are wider (made by hand,
        // or by an older version), is the authorisation filter.
        var ns = Ns("broad");
        await using var broad = await BrokerUsers.CreateAsync("broad");
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = broad.Name, Grants = [ReadWrite(ns)] }, Ct);
        await using var client = await fixture.ConnectAsync(broad);

        var denied = await Expect.DeniedAsync(() => client.RequestAsync<RemoveReference, ReferenceResult>(QueueNames.Of<RemoveReference>(), RemoveReferenceIn(ns), Ct));
        Assert.Contains("only Platform's services", denied.Message);
    }

    [Fact]
    public async Task A_user_with_only_read_grants_can_not_even_route_a_command()
    {
        var ns = Ns("ro");
        await fixture.Client.Containers.CreateAsync(Container(ns, "web"), Ct);
        await using var user = await LeastPrivilegeUser.CreateAsync(fixture, new UserGrant { Namespace = ns, Role = NamespaceRole.Read });
        await using var client = await user.ConnectAsync();

        Assert.Equal("web", (await client.Containers.GetAsync("web", ns, Ct)).Id);
        var denied = await Expect.DeniedAsync(() => client.Containers.DeleteAsync("web", @namespace: ns, cancellationToken: Ct));
        Assert.Contains("ACCESS_REFUSED", denied.Message);
        Assert.Equal("web", (await fixture.Client.Containers.GetAsync("web", ns, Ct)).Id);
    }

    private static RemoveReference RemoveReferenceIn(string ns) => new()
    {
        Namespace = ns, Resource = new ResourceRef { Kind = "snapshot", Snapshotter = "native", Key = "k" }, OwnerKind = "container", OwnerId = "c1",
    };
}
