using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Store;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// Containers pin their snapshots (DESIGN.md invariants 2 and 3): a snapshot lives while a container references
/// it, and goes (record and folder) once nothing does, without anyone asking for a pass.
/// </summary>
public sealed class When_containers_reference_snapshots(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_remove_the_snapshot_and_its_folder_once_its_container_is_deleted(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("ctr");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs"));
        await File.WriteAllTextAsync(Path.Combine(Folders.Fs(folder), "data"), "x", Ct);
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, sn, "rootfs"));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));

        await client.DeleteContainerAsync(ns, "web");

        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_a_shared_snapshot_until_its_last_container_is_deleted(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("shared");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs"));
        await client.CreateContainerAsync(ns, "one", sn, "rootfs");
        await client.CreateContainerAsync(ns, "two", sn, "rootfs");

        await client.DeleteContainerAsync(ns, "one");

        // Once the first release is through, only the second container keeps it.
        await Eventually.TrueAsync(async () => (await client.ContainerReasonsAsync(ns, sn, "rootfs")).Count == 1, Ct);
        Assert.Equal([$"referenced by container {ns}/two"], await client.ContainerReasonsAsync(ns, sn, "rootfs"));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));
        Assert.True(Directory.Exists(Folders.Fs(folder)));

        await client.DeleteContainerAsync(ns, "two");

        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_a_parent_chain_while_a_child_lives_then_collect_it_child_first(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("chain");
        await using var events = await EventLog.StartAsync(client, ns);
        var baseFolder = await client.CommittedAsync(ns, sn, "base", files: new Dictionary<string, string> { ["a"] = "a" });
        var midFolder = await client.CommittedAsync(ns, sn, "mid", parent: "base", files: new Dictionary<string, string> { ["b"] = "b" });
        var topFolder = Folders.Of(await client.PrepareAsync(ns, sn, "top", parent: "mid"));
        await client.CreateContainerAsync(ns, "app", sn, "top");

        var pass = await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.DoesNotContain(pass.Removed, r => r.Namespace == ns);
        Assert.Equal(["base", "mid", "top"], await client.KeysAsync(ns, sn));
        var why = await client.ExplainAsync(ns, sn, "base");
        Assert.True(why.Alive);
        Assert.Equal(
            [$"snapshot {sn}/base", $"parent of snapshot {sn}/mid", $"parent of snapshot {sn}/top", $"referenced by container {ns}/app"],
            Assert.Single(why.Chains));

        await client.DeleteContainerAsync(ns, "app");

        await client.SnapshotGoneAsync(ns, sn, "base", baseFolder);
        Assert.False(Directory.Exists(midFolder));
        Assert.False(Directory.Exists(topFolder));
        Assert.Empty(await client.KeysAsync(ns, sn));
        await Eventually.TrueAsync(() => events.Of<SnapshotRemoved>().Count >= 3, Ct);
        var removed = events.Of<SnapshotRemoved>();
        // Events of different objects may arrive in any order (only per-object order is promised): order by removal time.
        Assert.Equal(["top", "mid", "base"], removed.OrderBy(e => e.Timestamp).Select(e => e.Key));
        Assert.All(removed, e => Assert.True(e.Collected));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_a_container_on_a_missing_snapshot_and_create_nothing(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("nosnap");
        var elsewhere = Unique.Namespace("nosnap");
        await client.PrepareAsync(elsewhere, sn, "theirs");

        var missing = await Expect.ErrorAsync(ErrorKind.NotFound, () => client.CreateContainerAsync(ns, "web", sn, "ghost"));
        Assert.Contains("ghost", missing.Message);
        var foreign = await Expect.ErrorAsync(ErrorKind.NotFound, () => client.CreateContainerAsync(ns, "web", sn, "theirs"));
        Assert.Contains("theirs", foreign.Message);

        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Containers.GetAsync("web", ns, Ct));
        Assert.Empty(await client.Containers.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct));
        Assert.Empty(await client.ContainerReasonsAsync(elsewhere, sn, "theirs"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_move_the_reference_when_the_snapshot_key_is_updated(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("move");
        var oldFolder = Folders.Of(await client.PrepareAsync(ns, sn, "old"));
        var newFolder = Folders.Of(await client.PrepareAsync(ns, sn, "new"));
        await client.CreateContainerAsync(ns, "web", sn, "old");

        // Moving to a snapshot that does not exist is refused and changes nothing.
        await Expect.ErrorAsync(ErrorKind.NotFound, () => MoveAsync(ns, "web", "ghost"));
        Assert.Equal("old", (await client.Containers.GetAsync("web", ns, Ct)).SnapshotKey);

        var moved = await MoveAsync(ns, "web", "new");

        Assert.Equal("new", moved.SnapshotKey);
        await client.SnapshotGoneAsync(ns, sn, "old", oldFolder);
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, sn, "new"));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "new"));
        Assert.True(Directory.Exists(newFolder));

        await client.DeleteContainerAsync(ns, "web");
        await client.SnapshotGoneAsync(ns, sn, "new", newFolder);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_the_snapshot_of_a_container_deleted_and_recreated_with_the_same_id(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("again");
        // The client's usual bridge: the snapshot is prepared under a lease until its container exists.
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "setup" }, Ct);
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs", leaseId: "setup"));
        var first = await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        await client.DeleteContainerAsync(ns, "web");
        var second = await client.CreateContainerAsync(ns, "web", sn, "rootfs");
        Assert.NotEqual(first.CreatedAt, second.CreatedAt);

        // The first incarnation's release arrives after the second registered its own reference; it must drop
        // only its own.
        var store = fixture.Services.GetRequiredService<IResourceStore>();
        await Eventually.TrueAsync(async () => !(await ReferencesAsync(store, ns)).Contains(first.CreatedAt.UtcTicks), Ct,
            because: "the deleted container's reference should be released");
        Assert.Equal([second.CreatedAt.UtcTicks], await ReferencesAsync(store, ns));

        await client.Leases.DeleteAsync("setup", ns, Ct);
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));
        Assert.True(Directory.Exists(Folders.Fs(folder)));
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, sn, "rootfs"));

        await client.DeleteContainerAsync(ns, "web");
        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder);
    }

    private Task<Container> MoveAsync(string ns, string id, string key) =>
        fixture.Client.Containers.UpdateAsync(new UpdateContainer { Namespace = ns, Id = id, UpdateMask = ["snapshotkey"], SnapshotKey = key }, Ct);

    private static async Task<List<long>> ReferencesAsync(IResourceStore store, string ns) =>
        (await store.LoadGraphAsync(Ct)).References.Where(r => r.Namespace == ns).Select(r => r.Generation).ToList();
}
