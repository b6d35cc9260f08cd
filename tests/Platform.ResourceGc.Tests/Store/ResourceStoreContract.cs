using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.ResourceGc.Store;
using Xunit;

namespace Platform.ResourceGc.Tests.Store;

/// <summary>
/// What every resource store must do, run against SQLite always and against MongoDB when MONGODB_URI is set.
/// The preconditions under test are the ones the collector relies on instead of a lock.
/// </summary>
public abstract partial class ResourceStoreContract : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DateTimeOffset _t0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private IResourceStore? _store;

    protected IResourceStore Store => _store ?? throw new InvalidOperationException("not initialised");

    protected abstract Task<IResourceStore> CreateStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await ((IInitializableStore)_store).InitializeAsync(Ct);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static EventFactory Event(string ns) => seq => new SnapshotRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = ns, Sequence = seq, Snapshotter = "overlayfs", Key = "k",
    };

    private async Task<SnapshotRecord> AddAsync(string key, SnapshotKind kind = SnapshotKind.Committed, string? parent = null,
        string? lease = null, IReadOnlyDictionary<string, string>? labels = null, string ns = "default")
    {
        var dir = await Store.AllocateDirIdAsync(_t0, Ct);
        var record = new SnapshotRecord(ns, "overlayfs", key, dir, kind, parent, labels ?? new Dictionary<string, string>(), _t0, _t0);
        await Store.InsertSnapshotAsync(record, lease, Event(ns), Ct);
        return record;
    }

    private Task<SnapshotRecord?> CollectAsync(string key, string ns = "default") =>
        Store.TryCollectSnapshotAsync(ns, "overlayfs", key, _t0.AddMinutes(1), _t0.AddMinutes(1), _ => Event(ns), Ct);

    [Fact]
    public async Task Should_round_trip_a_snapshot_and_refuse_a_duplicate_key()
    {
        var base_ = await AddAsync("base", labels: new Dictionary<string, string> { ["a.b/c"] = "$v" });
        Assert.Equal(base_, (await Store.GetSnapshotAsync("default", "overlayfs", "base", Ct))! with { Labels = base_.Labels });
        Assert.Equal("$v", (await Store.GetSnapshotAsync("default", "overlayfs", "base", Ct))!.Labels["a.b/c"]);
        var error = await Assert.ThrowsAsync<PlatformException>(() => AddAsync("base"));
        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_missing_or_uncommitted_parent()
    {
        await AddAsync("active", SnapshotKind.Active);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<PlatformException>(() => AddAsync("c1", SnapshotKind.Active, parent: "nope"))).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, (await Assert.ThrowsAsync<PlatformException>(() => AddAsync("c2", SnapshotKind.Active, parent: "active"))).Kind);
        Assert.Null(await Store.GetSnapshotAsync("default", "overlayfs", "c2", Ct));
    }

    [Fact]
    public async Task Should_not_collect_a_parent_while_a_child_lives_then_collect_it_after()
    {
        await AddAsync("base");
        await AddAsync("child", SnapshotKind.Active, parent: "base");
        Assert.Null(await CollectAsync("base"));
        Assert.Equal(ErrorKind.FailedPrecondition, (await Assert.ThrowsAsync<PlatformException>(() =>
            Store.RemoveSnapshotAsync("default", "overlayfs", "base", _t0, _ => Event("default"), Ct))).Kind);
        Assert.NotNull(await CollectAsync("child"));
        Assert.NotNull(await CollectAsync("base"));
        Assert.Null(await Store.GetSnapshotAsync("default", "overlayfs", "base", Ct));
    }

    [Fact]
    public async Task Should_not_collect_a_referenced_snapshot_until_every_generation_released_it()
    {
        await AddAsync("rootfs", SnapshotKind.Active);
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, null, Ct);
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, null, Ct); // idempotent
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 2, _t0, null, Ct);
        Assert.Null(await CollectAsync("rootfs"));

        Assert.True(await Store.RemoveReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, Ct));
        Assert.Null(await CollectAsync("rootfs"));
        Assert.True(await Store.RemoveReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 2, Ct));
        Assert.False(await Store.RemoveReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 2, Ct));
        Assert.NotNull(await CollectAsync("rootfs"));
    }

    [Fact]
    public async Task Should_count_holds_so_a_late_release_leaves_the_hold_of_a_later_commit()
    {
        await AddAsync("rootfs", SnapshotKind.Active);
        // Two commits pointed the container here (A -> B -> A); the first move's release arrives last.
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, Guid.NewGuid(), Ct);
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, Guid.NewGuid(), Ct);
        var release = Guid.NewGuid();

        Assert.False(await Store.ReleaseReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, release, _t0, Ct));
        Assert.False(await Store.ReleaseReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, release, _t0, Ct)); // redelivered
        Assert.Null(await CollectAsync("rootfs"));
        Assert.True(await Store.ReleaseReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, Guid.NewGuid(), _t0, Ct));
        Assert.NotNull(await CollectAsync("rootfs"));
    }

    [Fact]
    public async Task Should_count_a_redelivered_add_once()
    {
        await AddAsync("rootfs", SnapshotKind.Active);
        var add = Guid.NewGuid();
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, add, Ct);
        await Store.AddReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, _t0, add, Ct);
        Assert.True(await Store.ReleaseReferenceAsync("default", "overlayfs", "rootfs", OwnerKinds.Container, "web", 1, Guid.NewGuid(), _t0, Ct));
        Assert.Equal(2, await Store.ForgetOperationsAsync(_t0.AddDays(1), Ct)); // the add and the release
    }

    [Fact]
    public async Task Should_refuse_a_reference_to_a_snapshot_that_does_not_exist()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            Store.AddReferenceAsync("default", "overlayfs", "ghost", OwnerKinds.Container, "web", 1, _t0, null, Ct));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("ghost", error.Message);
    }

    [Fact]
    public async Task Should_protect_what_a_live_lease_holds_and_nothing_once_it_expired_or_was_deleted()
    {
        await Store.CreateLeaseAsync(new LeaseRecord("default", "short", new Dictionary<string, string>(), _t0, _t0.AddSeconds(30)), Event("default"), Ct);
        await Store.CreateLeaseAsync(new LeaseRecord("default", "long", new Dictionary<string, string>(), _t0, null), Event("default"), Ct);
        await AddAsync("a", lease: "short");
        await AddAsync("b", lease: "long");

        // The pass time (t0 + 1 min) is after "short" expired: it protects nothing any more.
        Assert.NotNull(await CollectAsync("a"));
        Assert.Null(await CollectAsync("b"));
        var (_, held) = await Store.DeleteLeaseAsync("default", "long", Event("default"), Ct);
        Assert.Equal(["b"], held.Select(h => h.Key));
        Assert.NotNull(await CollectAsync("b"));
    }

    [Fact]
    public async Task Should_move_lease_holds_to_the_committed_snapshot_and_refuse_to_commit_a_referenced_one()
    {
        await Store.CreateLeaseAsync(new LeaseRecord("default", "build", new Dictionary<string, string>(), _t0, null), Event("default"), Ct);
        await AddAsync("work", SnapshotKind.Active, lease: "build");
        var committed = await Store.CommitSnapshotAsync("default", "overlayfs", "work", "layer", null, null, _t0, _ => Event("default"), Ct);
        Assert.Equal(SnapshotKind.Committed, committed.Kind);
        Assert.Null(await Store.GetSnapshotAsync("default", "overlayfs", "work", Ct));
        Assert.Equal(["layer"], (await Store.ListLeaseResourcesAsync("default", "build", Ct)).Select(h => h.Key));
        Assert.Null(await CollectAsync("layer"));

        await AddAsync("used", SnapshotKind.Active);
        await Store.AddReferenceAsync("default", "overlayfs", "used", OwnerKinds.Container, "web", 1, _t0, null, Ct);
        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            Store.CommitSnapshotAsync("default", "overlayfs", "used", "frozen", null, null, _t0, _ => Event("default"), Ct));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task Should_never_collect_a_root_or_a_snapshot_younger_than_the_pass()
    {
        await AddAsync("pinned", labels: new Dictionary<string, string> { [GcLabels.Root] = "true" });
        Assert.Null(await CollectAsync("pinned"));
        await AddAsync("young");
        Assert.Null(await Store.TryCollectSnapshotAsync("default", "overlayfs", "young", _t0, _t0, _ => Event("default"), Ct));
        Assert.NotNull(await CollectAsync("young"));
    }

    [Fact]
    public async Task Should_keep_namespaces_apart_and_list_in_pages_with_filters()
    {
        foreach (var key in new[] { "a", "b", "c", "d" })
            await AddAsync(key, labels: new Dictionary<string, string> { ["even"] = key is "b" or "d" ? "yes" : "no" });
        await AddAsync("a", ns: "other");

        var all = new List<string>();
        string? after = null;
        do
        {
            var (page, next) = await Store.ListSnapshotsAsync("default", "overlayfs", FilterSet.All, 3, after, Ct);
            all.AddRange(page.Select(p => p.Key));
            after = next;
        }
        while (after is not null);
        Assert.Equal(["a", "b", "c", "d"], all);

        var (even, _) = await Store.ListSnapshotsAsync("default", "overlayfs", FilterSet.Parse(["labels.even==yes"]), 10, null, Ct);
        Assert.Equal(["b", "d"], even.Select(e => e.Key));
        var (other, _) = await Store.ListSnapshotsAsync("other", "overlayfs", FilterSet.All, 10, null, Ct);
        Assert.Single(other);
    }

    [Fact]
    public async Task Should_store_one_event_per_change_in_the_outbox_and_none_for_a_refused_one()
    {
        var outbox = (IOutboxStore)Store;
        var before = (await outbox.ReadPendingAsync(10_000, Ct)).Count;
        await AddAsync("x");
        await Assert.ThrowsAsync<PlatformException>(() => AddAsync("x"));
        await CollectAsync("x");
        var pending = await outbox.ReadPendingAsync(10_000, Ct);
        Assert.Equal(before + 2, pending.Count);
        await outbox.MarkPublishedAsync(pending, Ct);
        Assert.Empty(await outbox.ReadPendingAsync(10_000, Ct));
    }

    [Fact]
    public async Task Should_load_the_whole_graph()
    {
        await Store.CreateLeaseAsync(new LeaseRecord("default", "l", new Dictionary<string, string>(), _t0, null), Event("default"), Ct);
        await AddAsync("base");
        await AddAsync("child", SnapshotKind.Active, parent: "base", lease: "l");
        await Store.AddReferenceAsync("default", "overlayfs", "child", OwnerKinds.Container, "web", 7, _t0, null, Ct);
        var graph = await Store.LoadGraphAsync(Ct);
        Assert.Equal(["base", "child"], graph.Snapshots.Select(s => s.Key).Order());
        Assert.Equal(7, Assert.Single(graph.References).Generation);
        Assert.Equal("l", Assert.Single(graph.Leases).Id);
        Assert.Equal("child", Assert.Single(graph.LeaseResources).Key);
    }

    private static string Digest(char c) => "sha256:" + new string(c, 64);

    private async Task<ContentRecord> AddContentAsync(string digest, IReadOnlyDictionary<string, string>? labels = null, string? lease = null, string ns = "default")
    {
        var record = new ContentRecord(ns, digest, 42, labels ?? new Dictionary<string, string>(), _t0, _t0);
        var (stored, created) = await Store.InsertContentAsync(record, lease, Event(ns), Ct);
        Assert.True(created);
        return stored;
    }

    private Task<ContentRecord?> CollectContentAsync(string digest, string ns = "default") =>
        Store.TryCollectContentAsync(ns, digest, _t0.AddMinutes(1), _t0.AddMinutes(1), _ => Event(ns), Ct);

    [Fact]
    public async Task Should_round_trip_content_per_namespace_and_insert_a_known_digest_once()
    {
        var stored = await AddContentAsync(Digest('a'), new Dictionary<string, string> { ["k"] = "v" });
        var again = await Store.InsertContentAsync(stored with { Labels = new Dictionary<string, string>() }, null, Event("default"), Ct);

        Assert.False(again.Created);
        Assert.Equal("v", again.Record.Labels["k"]);
        Assert.Equal(42, (await Store.GetContentAsync("default", Digest('a'), Ct))!.Size);
        Assert.Null(await Store.GetContentAsync("other", Digest('a'), Ct));
        Assert.True(await Store.ContentDigestRecordedAsync(Digest('a'), Ct));
        Assert.False(await Store.ContentDigestRecordedAsync(Digest('b'), Ct));
        var (page, _) = await Store.ListContentAsync("default", FilterSet.Parse(["labels.k==v"]), 10, null, Ct);
        Assert.Equal([Digest('a')], page.Select(c => c.Digest));
    }

    [Fact]
    public async Task Should_keep_content_and_snapshots_named_by_content_labels_until_the_label_goes()
    {
        await AddAsync("chain");
        await AddContentAsync(Digest('c'));
        await AddContentAsync(Digest('m'), new Dictionary<string, string>
        {
            [GcLabels.ContentRef + ".config"] = Digest('c'), [GcLabels.SnapshotRef + "overlayfs"] = "chain",
        });

        Assert.Null(await CollectContentAsync(Digest('c')));
        Assert.Null(await CollectAsync("chain"));
        Assert.Equal(ErrorKind.FailedPrecondition, (await Assert.ThrowsAsync<PlatformException>(() =>
            Store.RemoveContentAsync("default", Digest('c'), _t0, _ => Event("default"), Ct))).Kind);
        Assert.Equal(ErrorKind.FailedPrecondition, (await Assert.ThrowsAsync<PlatformException>(() =>
            Store.RemoveSnapshotAsync("default", "overlayfs", "chain", _t0, _ => Event("default"), Ct))).Kind);

        await Store.UpdateContentLabelsAsync("default", Digest('m'), _ => new Dictionary<string, string> { [GcLabels.ContentRef + ".config"] = Digest('c') }, _t0, Ct);
        Assert.NotNull(await CollectAsync("chain"));
        Assert.NotNull(await CollectContentAsync(Digest('m')));
        Assert.NotNull(await CollectContentAsync(Digest('c')));
        Assert.Empty((await Store.LoadGraphAsync(Ct)).Contents);
    }

    [Fact]
    public async Task Should_keep_content_referenced_held_or_rooted_and_only_older_than_the_pass()
    {
        await Store.CreateLeaseAsync(new LeaseRecord("default", "pull", new Dictionary<string, string>(), _t0, null), Event("default"), Ct);
        await AddContentAsync(Digest('r'));
        await AddContentAsync(Digest('h'), lease: "pull");
        await AddContentAsync(Digest('p'), new Dictionary<string, string> { [GcLabels.Root] = "yes" });
        await Store.AddReferenceAsync("default", ResourceSpaces.Content, Digest('r'), OwnerKinds.Image, "docker.io/library/busybox:latest", 0, _t0, null, Ct);
        await Assert.ThrowsAsync<PlatformException>(() =>
            Store.AddReferenceAsync("default", ResourceSpaces.Content, Digest('x'), OwnerKinds.Image, "img", 0, _t0, null, Ct));

        Assert.Null(await CollectContentAsync(Digest('r')));
        Assert.Null(await CollectContentAsync(Digest('h')));
        Assert.Null(await CollectContentAsync(Digest('p')));
        Assert.Null(await Store.TryCollectContentAsync("default", Digest('r'), _t0, _t0, _ => Event("default"), Ct));
        var graph = await Store.LoadGraphAsync(Ct);
        Assert.Equal(ResourceSpaces.Content, Assert.Single(graph.References).Snapshotter);
        Assert.Equal(Digest('h'), Assert.Single(graph.LeaseResources).Key);

        Assert.True(await Store.ReleaseReferenceAsync("default", ResourceSpaces.Content, Digest('r'), OwnerKinds.Image, "docker.io/library/busybox:latest", 0, null, _t0, Ct));
        Assert.NotNull(await CollectContentAsync(Digest('r')));
        await Store.DeleteLeaseAsync("default", "pull", Event("default"), Ct);
        Assert.NotNull(await CollectContentAsync(Digest('h')));
    }
}
