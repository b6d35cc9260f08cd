using MassTransit;
using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// Internal commands and events are the services' alone: a user with a read-write grant who sends one is refused
/// before any consumer acts on it, while the same message from the services' user is acted on.
/// </summary>
public sealed class When_a_client_forges_service_traffic(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_internal_reference_command_is_refused()
    {
        await using var user = await BrokerUsers.CreateAsync("forger");
        var ns = "forge-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.ReadWrite }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);

        var denied = await Expect.DeniedAsync(() => client.RequestAsync<RemoveReference, ReferenceResult>(QueueNames.Of<RemoveReference>(), new RemoveReference
        {
            Namespace = ns, Resource = new ResourceRef { Kind = "snapshot", Snapshotter = "native", Key = "k" }, OwnerKind = "container", OwnerId = "c1",
        }, Ct));
        Assert.Contains("only Platform's services", denied.Message);
    }

    [Fact]
    public async Task A_forged_container_deleted_event_releases_nothing_until_the_services_send_it()
    {
        var ns = "forge-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = "native", Key = "c1-rootfs" }, Ct);
        var container = await fixture.Client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = "c1", Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec, Snapshotter = "native", SnapshotKey = "c1-rootfs",
        }, Ct);
        var rootfs = new ResourceRef { Kind = "snapshot", Snapshotter = "native", Key = "c1-rootfs" };
        Assert.Contains(await ExplainChainsAsync(ns, rootfs), HeldByC1);

        await using var user = await BrokerUsers.CreateAsync("forger");
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.ReadWrite }] }, Ct);
        var forged = new ContainerDeleted
        {
            EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = ns, Sequence = 99, Id = "c1",
            Snapshotter = "native", SnapshotKey = "c1-rootfs", CreatedAt = container.CreatedAt,
        };

        await PublishAsAsync(user.BusUri, forged);
        // Give the resource GC time to act on it, were it to: then the container's hold must still be there.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Contains(await ExplainChainsAsync(ns, rootfs), HeldByC1);

        // The control: the very same event from the services' own user is acted on, so the refusal above was the sender's.
        await PublishAsAsync(Requirements.BusUri, forged with { EventId = Guid.NewGuid() });
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return !(await ExplainChainsAsync(ns, rootfs)).Any(HeldByC1);
            }
            catch (Platform.Common.Errors.PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return true; // released and already collected
            }
        }, Ct, because: "the services' own ContainerDeleted should release the container's hold");
    }

    private static bool HeldByC1(string chain) => chain.Contains("referenced by container") && chain.Contains("c1");

    private async Task<List<string>> ExplainChainsAsync(string ns, ResourceRef resource) =>
        (await fixture.Client.Gc.ExplainAsync(resource, ns, Ct)).Chains.Select(chain => string.Join(" > ", chain)).ToList();

    private static async Task PublishAsAsync(Uri busUri, ContainerDeleted message)
    {
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(busUri);
            cfg.StampUserId(busUri);
            // Where the services publish (and the resource GC listens): without it the event would go nowhere.
            cfg.UsePlatformEventTopology();
        });
        await bus.StartAsync(Ct);
        try
        {
            await bus.Publish(message, Ct);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }
}
