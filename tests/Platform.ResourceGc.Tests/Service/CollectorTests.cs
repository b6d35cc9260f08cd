using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// The collector as a user meets it: why a snapshot is alive, what a dry run would remove, and what a real pass
/// removes and reports as events.
/// </summary>
public sealed class When_the_collector_explains_and_collects(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string RootLabel = "platform.io/gc.root";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_explain_a_snapshot_referenced_by_a_container(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("why");
        await client.PrepareAsync(ns, sn, "rootfs");
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        var why = await client.ExplainAsync(ns, sn, "rootfs");

        Assert.True(why.Alive);
        Assert.Equal("rootfs", why.Resource.Key);
        Assert.Equal(sn, why.Resource.Snapshotter);
        Assert.Equal([$"snapshot {sn}/rootfs", $"referenced by container {ns}/web"], Assert.Single(why.Chains));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_explain_a_parent_kept_by_its_referenced_children(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("whyparent");
        await client.CommittedAsync(ns, sn, "base");
        await client.PrepareAsync(ns, sn, "one", parent: "base");
        await client.PrepareAsync(ns, sn, "two", parent: "base");
        await client.PrepareAsync(ns, sn, "unused", parent: "base");
        await client.CreateContainerAsync(ns, "a", sn, "one");
        await client.CreateContainerAsync(ns, "b", sn, "two");

        var why = await client.ExplainAsync(ns, sn, "base");

        Assert.True(why.Alive);
        Assert.Equal(
            [
                $"snapshot {sn}/base > parent of snapshot {sn}/one > referenced by container {ns}/a",
                $"snapshot {sn}/base > parent of snapshot {sn}/two > referenced by container {ns}/b",
            ],
            why.Chains.Select(c => string.Join(" > ", c)).Order(StringComparer.Ordinal));
        Assert.False((await client.ExplainAsync(ns, sn, "unused")).Alive);
    }

    [Fact]
    public async Task Should_explain_a_snapshot_held_by_a_lease_with_its_expiry()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("whylease");
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "forever" }, Ct);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "hour", ExpiresAt = expires }, Ct);
        await client.PrepareAsync(ns, Sn.Overlay, "rw", leaseId: "forever");
        await client.Leases.AddResourceAsync("hour", Calls.Ref(Sn.Overlay, "rw"), ns, Ct);

        var why = await client.ExplainAsync(ns, Sn.Overlay, "rw");

        Assert.True(why.Alive);
        Assert.Equal(
            [$"snapshot {Sn.Overlay}/rw > held by lease {ns}/forever", $"snapshot {Sn.Overlay}/rw > held by lease {ns}/hour until {expires:O}"],
            why.Chains.Select(c => string.Join(" > ", c)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_a_root_labelled_snapshot_until_the_label_is_removed(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("root");
        var folder = await client.CommittedAsync(ns, sn, "base");
        await client.Snapshots.SetLabelsAsync("base", new Dictionary<string, string?> { [RootLabel] = "pinned" }, sn, ns, Ct);

        var why = await client.ExplainAsync(ns, sn, "base");
        Assert.Equal([$"snapshot {sn}/base", $"root label {RootLabel}"], Assert.Single(why.Chains));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "base"));

        await client.Snapshots.SetLabelsAsync("base", new Dictionary<string, string?> { [RootLabel] = "" }, sn, ns, Ct);

        Assert.False((await client.ExplainAsync(ns, sn, "base")).Alive);
        var pass = await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.Contains(pass.Removed, r => r.Namespace == ns && r.Resource.Key == "base");
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "base"));
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_explain_garbage_as_not_alive_with_no_chains(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("garbage");
        await client.CommittedAsync(ns, sn, "base");
        await client.PrepareAsync(ns, sn, "child", parent: "base");

        var child = await client.ExplainAsync(ns, sn, "child");
        var parent = await client.ExplainAsync(ns, sn, "base");

        Assert.False(child.Alive);
        Assert.Empty(child.Chains);
        Assert.False(parent.Alive);
        Assert.Empty(parent.Chains);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.ExplainAsync(ns, sn, "nothing"));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Gc.ExplainAsync(new ResourceRef { Kind = "blob", Key = "x" }, ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_list_garbage_in_a_dry_run_and_remove_it_in_a_real_pass_with_events(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("pass");
        await using var events = await EventLog.StartAsync(client, ns);
        var parentFolder = await client.CommittedAsync(ns, sn, "old-base", files: new Dictionary<string, string> { ["a"] = new('a', 100) });
        var childFolder = Folders.Of(await client.PrepareAsync(ns, sn, "old-child", parent: "old-base"));
        await File.WriteAllTextAsync(Path.Combine(Folders.Fs(childFolder), "b"), new string('b', 20), Ct);
        var keptFolder = Folders.Of(await client.PrepareAsync(ns, sn, "kept"));
        await client.CreateContainerAsync(ns, "web", sn, "kept");
        var childSize = (await client.Snapshots.UsageAsync("old-child", sn, ns, Ct)).Size; // the copying snapshotter's child holds a copy of "a"

        var dry = await client.Gc.CollectAsync(dryRun: true, cancellationToken: Ct);

        Assert.True(dry.DryRun);
        var listed = dry.Removed.Where(r => r.Namespace == ns).ToList();
        Assert.Equal(["old-child", "old-base"], listed.Select(r => r.Resource.Key));
        Assert.Equal([childSize, 100], listed.Select(r => r.Size));
        Assert.All(listed, r => Assert.Equal(sn, r.Resource.Snapshotter));
        Assert.Equal(["kept", "old-base", "old-child"], await client.KeysAsync(ns, sn));
        Assert.True(Directory.Exists(parentFolder) && Directory.Exists(childFolder));

        var pass = await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.False(pass.DryRun);
        Assert.Equal(["old-child", "old-base"], pass.Removed.Where(r => r.Namespace == ns).Select(r => r.Resource.Key));
        Assert.True(pass.BytesFreed >= childSize + 100);
        Assert.Equal(["kept"], await client.KeysAsync(ns, sn));
        Assert.False(Directory.Exists(parentFolder));
        Assert.False(Directory.Exists(childFolder));
        Assert.True(Directory.Exists(keptFolder));

        await Eventually.TrueAsync(() => events.Of<SnapshotRemoved>().Count >= 2 && events.Of<GarbageCollected>().Count >= 1, Ct);
        var removed = events.Of<SnapshotRemoved>();
        Assert.Equal(["old-child", "old-base"], removed.OrderBy(e => e.Timestamp).Select(e => e.Key));
        Assert.All(removed, e => Assert.True(e.Collected));
        Assert.All(removed, e => Assert.Equal(sn, e.Snapshotter));
        var summary = Assert.Single(events.Of<GarbageCollected>());
        Assert.Equal(2, summary.Removed);
        Assert.Equal(childSize + 100, summary.BytesFreed);
    }

    [Fact]
    public async Task Should_report_a_removal_by_hand_as_not_collected()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("byhand");
        await using var events = await EventLog.StartAsync(client, ns);
        await client.PrepareAsync(ns, Sn.Native, "rw");

        await client.Snapshots.RemoveAsync("rw", Sn.Native, ns, Ct);

        await Eventually.TrueAsync(() => events.Of<SnapshotRemoved>().Count >= 1, Ct);
        var removed = Assert.Single(events.Of<SnapshotRemoved>());
        Assert.Equal("rw", removed.Key);
        Assert.False(removed.Collected);
        Assert.Equal(2, removed.Sequence); // prepared was the first event of this snapshot
        Assert.Empty(events.Of<GarbageCollected>());
    }
}
