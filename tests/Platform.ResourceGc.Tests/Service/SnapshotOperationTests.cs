using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Tests.Drivers;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// The snapshot operations of SEMANTICS.md, each with its errors, for both snapshotters, through the client
/// against the real service, checking the folders on disk.
/// </summary>
public sealed class When_a_client_uses_snapshots(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_prepare_an_active_snapshot_with_its_own_folder_and_refuse_a_duplicate_key(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("prep");
        var before = Folders.List(fixture, sn);

        var prepared = await client.PrepareAsync(ns, sn, "rw");

        Assert.Equal(SnapshotKind.Active, prepared.Snapshot.Kind);
        Assert.Equal(sn, prepared.Snapshot.Snapshotter);
        Assert.Null(prepared.Snapshot.Parent);
        var folder = Folders.New(before, Folders.List(fixture, sn));
        Assert.Equal(folder, Folders.Of(prepared));
        Assert.True(Directory.Exists(Folders.Fs(folder)));
        var mount = Assert.Single(prepared.Mounts);
        Assert.Equal("bind", mount.Type);
        Assert.Contains("rw", mount.Options);

        var duplicate = Folders.List(fixture, sn);
        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => client.PrepareAsync(ns, sn, "rw"));
        Assert.Equal(duplicate, Folders.List(fixture, sn));

        // Another namespace has its own key space.
        var elsewhere = await client.PrepareAsync(Unique.Namespace("prep"), sn, "rw");
        Assert.Equal(SnapshotKind.Active, elsewhere.Snapshot.Kind);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_an_unknown_parent_with_NotFound_and_leave_no_folder(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("noparent");
        var before = Folders.List(fixture, sn);

        var e = await Expect.ErrorAsync(ErrorKind.NotFound, () => client.PrepareAsync(ns, sn, "rw", parent: "missing"));

        Assert.Contains("missing", e.Message);
        Assert.Equal(before, Folders.List(fixture, sn));
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "rw"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_an_active_or_view_parent_with_InvalidArgument_and_leave_no_folder(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("actparent");
        await client.PrepareAsync(ns, sn, "active");
        await client.CommittedAsync(ns, sn, "base");
        await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "view", Parent = "base" }, Ct);
        var before = Folders.List(fixture, sn);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, sn, "child", parent: "active"));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, sn, "child", parent: "view"));

        Assert.Equal(before, Folders.List(fixture, sn));
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "child"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_share_one_key_space_between_active_snapshots_views_and_committed_names(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("keys");
        await client.CommittedAsync(ns, sn, "base");
        await client.PrepareAsync(ns, sn, "active");

        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "active" }, Ct));
        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => client.PrepareAsync(ns, sn, "base"));
        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => client.CommitAsync(ns, sn, "active", "base"));

        // The refused commit changed nothing.
        Assert.Equal(SnapshotKind.Active, (await client.Snapshots.StatAsync("active", sn, ns, Ct)).Kind);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_make_a_read_only_view_that_cannot_be_committed(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("view");
        await client.CommittedAsync(ns, sn, "base", files: new Dictionary<string, string> { ["etc/motd"] = "hello" });

        var view = await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "look", Parent = "base" }, Ct);

        Assert.Equal(SnapshotKind.View, view.Snapshot.Kind);
        Assert.Equal("base", view.Snapshot.Parent);
        var mount = Assert.Single(view.Mounts);
        Assert.Equal("bind", mount.Type);
        Assert.Contains("ro", mount.Options);
        Assert.DoesNotContain("rw", mount.Options);
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(mount.Source, "etc", "motd"), Ct));

        await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.CommitAsync(ns, sn, "look", "looked"));
        Assert.Equal(SnapshotKind.View, (await client.Snapshots.StatAsync("look", sn, ns, Ct)).Kind);
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "looked"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_give_mounts_of_active_snapshots_and_views_but_refuse_committed_ones(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("mounts");
        await client.CommittedAsync(ns, sn, "base");
        var prepared = await client.PrepareAsync(ns, sn, "rw", parent: "base");
        await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "ro", Parent = "base" }, Ct);

        var mounts = await client.Snapshots.MountsAsync("rw", sn, ns, Ct);
        Assert.Equal(prepared.Mounts.Select(Describe), mounts.Mounts.Select(Describe));
        Assert.Equal(SnapshotKind.Active, mounts.Snapshot.Kind);
        Assert.Contains("ro", Assert.Single((await client.Snapshots.MountsAsync("ro", sn, ns, Ct)).Mounts).Options);

        await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Snapshots.MountsAsync("base", sn, ns, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.MountsAsync("nothing", sn, ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_commit_under_the_new_name_with_the_same_parent_and_folder(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("commit");
        await client.CommittedAsync(ns, sn, "base");
        var prepared = await client.PrepareAsync(ns, sn, "work", parent: "base");
        var folder = Folders.Of(prepared);
        await File.WriteAllTextAsync(Path.Combine(Folders.Fs(folder), "made"), "in work", Ct);

        var committed = await client.CommitAsync(ns, sn, "work", "layer");

        Assert.Equal("layer", committed.Key);
        Assert.Equal(SnapshotKind.Committed, committed.Kind);
        Assert.Equal("base", committed.Parent);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.StatAsync("work", sn, ns, Ct));
        var stat = await client.Snapshots.StatAsync("layer", sn, ns, Ct);
        Assert.Equal("base", stat.Parent);
        Assert.Equal(SnapshotKind.Committed, stat.Kind);
        Assert.Equal(["base", "layer"], await client.KeysAsync(ns, sn));
        Assert.Equal("in work", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(folder), "made"), Ct));

        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.CommitAsync(ns, sn, "work", "again"));
        await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.CommitAsync(ns, sn, "layer", "again"));

        // The committed layer is a parent like any other.
        var child = await client.PrepareAsync(ns, sn, "next", parent: "layer");
        Assert.Equal("layer", child.Snapshot.Parent);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_to_remove_a_snapshot_with_children_until_the_leaf_is_gone(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("remove");
        var baseFolder = await client.CommittedAsync(ns, sn, "base");
        var childFolder = Folders.Of(await client.PrepareAsync(ns, sn, "leaf", parent: "base"));

        var e = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Snapshots.RemoveAsync("base", sn, ns, Ct));
        Assert.Contains("leaf", e.Message);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "base"));
        Assert.True(Directory.Exists(baseFolder));

        var removed = await client.Snapshots.RemoveAsync("leaf", sn, ns, Ct);
        Assert.Equal("leaf", removed.Key);
        Assert.False(Directory.Exists(childFolder));
        await client.Snapshots.RemoveAsync("base", sn, ns, Ct);
        Assert.False(Directory.Exists(baseFolder));
        Assert.Empty(await client.KeysAsync(ns, sn));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.RemoveAsync("base", sn, ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_to_remove_a_snapshot_a_container_references(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("inuse");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs"));
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        var e = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Snapshots.RemoveAsync("rootfs", sn, ns, Ct));

        Assert.Contains("container web", e.Message);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));
        Assert.True(Directory.Exists(Folders.Fs(folder)));
        // A referenced active snapshot cannot be committed from under its container either.
        await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.CommitAsync(ns, sn, "rootfs", "frozen"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_to_remove_a_snapshot_a_live_lease_holds(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("leased");
        var lease = await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "hold" }, Ct);
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rw", leaseId: lease.Id));

        var e = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Snapshots.RemoveAsync("rw", sn, ns, Ct));

        Assert.Contains("lease hold", e.Message);
        Assert.True(Directory.Exists(folder));
        Assert.Equal(["rw"], (await client.Leases.ListResourcesAsync("hold", ns, Ct)).Select(r => r.Key));

        // Released from the lease, nothing holds it any more: the release collects it at once.
        Assert.Empty(await client.Leases.RemoveResourceAsync("hold", Calls.Ref(sn, "rw"), ns, Ct));
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "rw"));
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_stat_kind_parent_labels_and_times(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("stat");
        var started = DateTimeOffset.UtcNow;
        await client.CommittedAsync(ns, sn, "base");
        await client.PrepareAsync(ns, sn, "rw", parent: "base", labels: new Dictionary<string, string> { ["role"] = "rootfs" });

        var stat = await client.Snapshots.StatAsync("rw", sn, ns, Ct);

        Assert.Equal(ns, stat.Namespace);
        Assert.Equal(sn, stat.Snapshotter);
        Assert.Equal("rw", stat.Key);
        Assert.Equal("base", stat.Parent);
        Assert.Equal(SnapshotKind.Active, stat.Kind);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "rootfs" }, stat.Labels);
        Assert.InRange(stat.CreatedAt, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(stat.CreatedAt, stat.UpdatedAt);
        var e = await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.StatAsync("nothing", sn, ns, Ct));
        Assert.Contains(ns, e.Message);
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Snapshots.StatAsync("rw", "zfs", ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_list_with_filters_on_kind_name_parent_and_labels(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("list");
        await client.CommittedAsync(ns, sn, "base");
        await client.PrepareAsync(ns, sn, "app", parent: "base", labels: new Dictionary<string, string> { ["example.com/owner"] = "alice", ["tier"] = "web" });
        await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "peek", Parent = "base", Labels = new Dictionary<string, string> { ["tier"] = "db" } }, Ct);
        await client.PrepareAsync(ns, sn, "scratch");
        await client.PrepareAsync(Unique.Namespace("other"), sn, "app");

        Assert.Equal(["app", "base", "peek", "scratch"], await client.KeysAsync(ns, sn));
        Assert.Equal(["base"], await client.KeysAsync(ns, sn, "kind==committed"));
        Assert.Equal(["app", "scratch"], await client.KeysAsync(ns, sn, "kind==active"));
        Assert.Equal(["peek"], await client.KeysAsync(ns, sn, "kind==view"));
        Assert.Equal(["app"], await client.KeysAsync(ns, sn, "name==app"));
        Assert.Equal(["app", "peek"], await client.KeysAsync(ns, sn, "parent==base"));
        Assert.Equal(["app", "peek"], await client.KeysAsync(ns, sn, "parent"));
        Assert.Equal(["app"], await client.KeysAsync(ns, sn, "labels.\"example.com/owner\"==alice"));
        Assert.Equal(["app", "peek"], await client.KeysAsync(ns, sn, "labels.tier"));
        Assert.Equal(["base", "peek", "scratch"], await client.KeysAsync(ns, sn, "labels.tier!=web"));
        Assert.Equal(["app"], await client.KeysAsync(ns, sn, "kind==active,labels.tier==web"));
        Assert.Equal(["app", "base"], await client.KeysAsync(ns, sn, "kind==committed", "labels.tier~=^w"));
        Assert.Empty(await client.KeysAsync(ns, sn, "name==nothing"));

        var other = sn == Sn.Overlay ? Sn.Native : Sn.Overlay;
        Assert.Empty(await client.KeysAsync(ns, other));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.KeysAsync(ns, sn, "kind=committed"));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.KeysAsync(ns, sn, "name~=[unclosed"));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_count_bytes_and_inodes_of_the_snapshots_own_files(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("usage");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rw"));
        var fs = Folders.Fs(folder);

        var empty = await client.Snapshots.UsageAsync("rw", sn, ns, Ct);
        Assert.Equal((0, 0), (empty.Size, empty.Inodes));

        Directory.CreateDirectory(Path.Combine(fs, "etc"));
        await File.WriteAllBytesAsync(Path.Combine(fs, "etc", "hosts"), new byte[1000], Ct);
        await File.WriteAllBytesAsync(Path.Combine(fs, "big"), new byte[70_000], Ct);
        File.CreateSymbolicLink(Path.Combine(fs, "link"), "/etc/hosts");
        HardLink.Create(Path.Combine(fs, "big-again"), Path.Combine(fs, "big"));

        var usage = await client.Snapshots.UsageAsync("rw", sn, ns, Ct);
        // etc, etc/hosts, big (= big-again), link; a hard-linked file counts once.
        Assert.Equal(71_000, usage.Size);
        Assert.Equal(4, usage.Inodes);
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.UsageAsync("nothing", sn, ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_not_count_a_childs_writes_in_its_parents_usage(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("usage2");
        await client.CommittedAsync(ns, sn, "base", files: new Dictionary<string, string> { ["base.txt"] = new('b', 500) });
        var child = Folders.Of(await client.PrepareAsync(ns, sn, "rw", parent: "base"));

        await File.WriteAllTextAsync(Path.Combine(Folders.Fs(child), "child.txt"), new string('c', 300), Ct);

        var parent = await client.Snapshots.UsageAsync("base", sn, ns, Ct);
        Assert.Equal((500, 1), (parent.Size, parent.Inodes));
        var own = await client.Snapshots.UsageAsync("rw", sn, ns, Ct);
        if (sn == Sn.Overlay)
            Assert.Equal((300, 1), (own.Size, own.Inodes)); // the upper dir only: the parent's layer is not counted
        else
            Assert.Equal((800, 2), (own.Size, own.Inodes)); // the copying snapshotter owns a full copy, as containerd's native does
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_update_labels_by_mask_and_remove_those_set_empty(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("labels");
        var prepared = await client.PrepareAsync(ns, sn, "rw", labels: new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c.d"] = "3" });

        var updated = await client.Snapshots.SetLabelsAsync("rw", new Dictionary<string, string?> { ["a"] = "", ["b"] = "20", ["e"] = "5" }, sn, ns, Ct);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "20", ["c.d"] = "3", ["e"] = "5" }, updated.Labels);
        Assert.True(updated.UpdatedAt > prepared.Snapshot.UpdatedAt);
        Assert.Equal(prepared.Snapshot.CreatedAt, updated.CreatedAt);
        Assert.Equal(updated.Labels, (await client.Snapshots.StatAsync("rw", sn, ns, Ct)).Labels);

        // A mask path names one label: everything after the first "labels.".
        var dotted = await Update(ns, sn, ["labels.c.d"], new Dictionary<string, string> { ["c.d"] = "30", ["b"] = "ignored" });
        Assert.Equal(new Dictionary<string, string> { ["b"] = "20", ["c.d"] = "30", ["e"] = "5" }, dotted.Labels);
        var replaced = await Update(ns, sn, ["labels"], new Dictionary<string, string> { ["only"] = "this", ["gone"] = "" });
        Assert.Equal(new Dictionary<string, string> { ["only"] = "this" }, replaced.Labels);
        var withoutMask = await Update(ns, sn, null, new Dictionary<string, string> { ["x"] = "y" });
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y" }, withoutMask.Labels);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => Update(ns, sn, ["kind"], new Dictionary<string, string>()));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => Update(ns, sn, ["labels.big"], new Dictionary<string, string> { ["big"] = new('x', 5000) }));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Snapshots.SetLabelsAsync("nothing", new Dictionary<string, string?> { ["a"] = "1" }, sn, ns, Ct));
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y" }, (await client.Snapshots.StatAsync("rw", sn, ns, Ct)).Labels);
    }

    [Fact]
    public async Task Should_refuse_invalid_keys_namespaces_and_snapshotters()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("invalid");

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, Sn.Overlay, ""));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, Sn.Overlay, "line\nbreak"));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, Sn.Overlay, new string('k', 1025)));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync("bad..namespace", Sn.Overlay, "rw"));
        var unknown = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.PrepareAsync(ns, "zfs", "rw"));
        Assert.Contains("overlayfs", unknown.Message);
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.CommitAsync(ns, Sn.Overlay, "rw", ""));

        // Keys are free text otherwise, as in containerd (paths, digests).
        var key = "sha256:" + new string('a', 64) + "/layer path";
        Assert.Equal(key, (await client.PrepareAsync(ns, Sn.Overlay, key)).Snapshot.Key);
        Assert.Equal([key], await client.KeysAsync(ns, Sn.Overlay));
    }

    [Fact]
    public async Task Should_page_a_long_list_with_continuation_tokens()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("pages");
        for (var i = 0; i < 7; i++)
            await client.PrepareAsync(ns, Sn.Native, $"s{i}", labels: new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString() });

        var keys = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await List(ns, 3, token, null);
            Assert.InRange(page.Snapshots.Count, 1, 3);
            keys.AddRange(page.Snapshots.Select(s => s.Key));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["s0", "s1", "s2", "s3", "s4", "s5", "s6"], keys);
        Assert.Equal(3, pages);
        var filtered = await List(ns, 2, null, ["labels.even==True"]);
        Assert.Equal(["s0", "s2"], filtered.Snapshots.Select(s => s.Key));
        Assert.Equal(["s4", "s6"], (await List(ns, 2, filtered.ContinuationToken, ["labels.even==True"])).Snapshots.Select(s => s.Key));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => List(ns, 2, "not-a-token", null));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => List(ns, -1, null, null));
    }

    private Task<ListSnapshotsResult> List(string ns, int limit, string? token, IReadOnlyList<string>? filters) =>
        fixture.Client.RequestAsync<ListSnapshots, ListSnapshotsResult>(QueueNames.Of<ListSnapshots>(), new ListSnapshots
        {
            Namespace = ns, Snapshotter = Sn.Native, Limit = limit, ContinuationToken = token, Filters = filters,
        }, Ct);

    private async Task<Snapshot> Update(string ns, string sn, IReadOnlyList<string>? mask, IReadOnlyDictionary<string, string> labels) =>
        (await fixture.Client.RequestAsync<UpdateSnapshot, SnapshotResult>(QueueNames.Of<UpdateSnapshot>(), new UpdateSnapshot
        {
            Namespace = ns, Snapshotter = sn, Key = "rw", UpdateMask = mask, Labels = labels,
        }, Ct)).Snapshot;

    private static string Describe(Mount m) => $"{m.Type} {m.Source} {string.Join(',', m.Options)}";
}
