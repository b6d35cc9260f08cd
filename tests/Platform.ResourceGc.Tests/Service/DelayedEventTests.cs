using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Containers;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// A host whose outbox relay does not run, so a test decides when container events reach the resource GC
/// service, and whose consumers take one message at a time, so they are handled in the order relayed.
/// </summary>
public sealed class HeldEventsFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Outbox:Enabled"] = "false",
        ["Bus:ConcurrentMessageLimit"] = "1",
    };

    /// <summary>Publishes every container event the metadata service has stored so far, in commit order.</summary>
    public async Task RelayContainerEventsAsync(CancellationToken cancellationToken)
    {
        var store = Services.GetServices<IOutboxStore>().Single(s => s.Name == "metadata");
        var relay = new OutboxRelay([store], Services.GetRequiredService<IBus>(), new OutboxSignal(),
            Options.Create(new OutboxOptions()), NullLogger<OutboxRelay>.Instance);
        while (await relay.RelayBatchAsync(store, cancellationToken) > 0)
        {
        }
    }
}

/// <summary>
/// Container events reach the resource GC service late (relayed through an outbox, queued behind others):
/// a late release must not drop a reference the container registered again since.
/// </summary>
public sealed class When_container_events_arrive_late(HeldEventsFixture fixture) : IClassFixture<HeldEventsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_the_snapshot_a_container_moved_away_from_and_back_to(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("back");
        var aFolder = Folders.Of(await client.PrepareAsync(ns, sn, "a"));
        var bFolder = Folders.Of(await client.PrepareAsync(ns, sn, "b"));
        await client.CreateContainerAsync(ns, "web", sn, "a");
        await MoveAsync(ns, "web", "b");
        await MoveAsync(ns, "web", "a");

        // Only now do "moved away from a" and then "moved away from b" arrive.
        await fixture.RelayContainerEventsAsync(Ct);

        await client.SnapshotGoneAsync(ns, sn, "b", bFolder);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "a"), "the container uses a again, but a was collected");
        Assert.True(Directory.Exists(aFolder));
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, sn, "a"));

        await client.DeleteContainerAsync(ns, "web");
        await fixture.RelayContainerEventsAsync(Ct);
        await client.SnapshotGoneAsync(ns, sn, "a", aFolder);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_the_snapshot_of_a_container_recreated_before_its_deletion_arrives(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("recreate");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs"));
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");
        await client.DeleteContainerAsync(ns, "web");
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        // The first incarnation's deletion arrives now; it must release only that incarnation's reference.
        await fixture.RelayContainerEventsAsync(Ct);
        var probe = Folders.Of(await client.PrepareAsync(ns, sn, "probe"));
        await client.CreateContainerAsync(ns, "probe", sn, "probe");
        await client.DeleteContainerAsync(ns, "probe");
        await fixture.RelayContainerEventsAsync(Ct);
        await client.SnapshotGoneAsync(ns, sn, "probe", probe); // events are handled in order: the deletion of web came before

        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"), "the re-created container's snapshot was collected");
        Assert.True(Directory.Exists(folder));
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, sn, "rootfs"));
    }

    [Fact]
    public async Task Should_release_the_previous_snapshot_of_a_plain_move_when_its_event_arrives()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("late");
        var oldFolder = Folders.Of(await client.PrepareAsync(ns, Sn.Native, "old"));
        await client.PrepareAsync(ns, Sn.Native, "new");
        await client.CreateContainerAsync(ns, "web", Sn.Native, "old");
        await MoveAsync(ns, "web", "new");
        Assert.Equal(2, (await client.ExplainAsync(ns, Sn.Native, "old")).Chains.Count + (await client.ExplainAsync(ns, Sn.Native, "new")).Chains.Count);

        await fixture.RelayContainerEventsAsync(Ct);

        await client.SnapshotGoneAsync(ns, Sn.Native, "old", oldFolder);
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, Sn.Native, "new"));
    }

    private Task<Container> MoveAsync(string ns, string id, string key) =>
        fixture.Client.Containers.UpdateAsync(new UpdateContainer { Namespace = ns, Id = id, UpdateMask = ["snapshotkey"], SnapshotKey = key }, Ct);
}
