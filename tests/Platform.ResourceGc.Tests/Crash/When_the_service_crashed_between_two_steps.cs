using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Snapshots;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Crash;

/// <summary>
/// Invariant 3 across crashes: each test stages, through the service's own store and drivers, the state a crash
/// between two steps leaves behind, then checks that later passes (and nothing else: no write comes along) repair
/// it, and that nothing younger than the grace, which may belong to a request still in flight, is touched.
/// </summary>
public sealed class When_the_service_crashed_between_two_steps(CrashFixture fixture) : IClassFixture<CrashFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewNamespace() => "crash-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Should_remove_a_folder_whose_record_was_never_written_once_older_than_the_grace()
    {
        Requirements.RabbitMq();
        var driver = fixture.Snapshotters.Get(null);
        var staged = Stopwatch.StartNew();
        var id = await fixture.Store.AllocateDirIdAsync(DateTimeOffset.UtcNow, Ct);
        await driver.CreateAsync(id, [], Ct);
        await File.WriteAllTextAsync(Path.Combine(driver.FilesPath(id), "unpacked"), "half an image", Ct);
        var folder = fixture.FolderOf(driver.Name, id);
        Assert.True(Directory.Exists(folder));

        await fixture.Client.Gc.CollectAsync(cancellationToken: Ct);
        if (staged.Elapsed < CrashFixture.Grace)
            Assert.True(Directory.Exists(folder), "a folder younger than the grace may belong to a prepare whose record is being written");

        await fixture.PassUntilAsync(() => Task.FromResult(!Directory.Exists(folder)), $"orphan folder {folder} still there", Ct);
        Assert.True(staged.Elapsed >= CrashFixture.Grace, "removed before the grace was over");
    }

    [Fact]
    public async Task Should_remove_a_folder_left_behind_by_its_removed_record()
    {
        Requirements.RabbitMq();
        var ns = NewNamespace();
        var prepared = await fixture.Client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Key = "doomed" }, Ct);
        var snapshotter = prepared.Snapshot.Snapshotter;
        var (folder, _) = await fixture.FolderOfAsync(ns, snapshotter, "doomed", Ct);

        // The collector's own removal of the record, then "the crash": the folder is never removed.
        var now = DateTimeOffset.UtcNow;
        var removed = await fixture.Store.TryCollectSnapshotAsync(ns, snapshotter, "doomed", now.AddSeconds(1), now, r => Events.Removed(r, now, collected: true), Ct);
        Assert.NotNull(removed);
        Assert.False(await fixture.ExistsAsync(ns, snapshotter, "doomed", Ct));
        Assert.True(Directory.Exists(folder));

        await fixture.PassUntilAsync(() => Task.FromResult(!Directory.Exists(folder)), $"folder {folder} of removed snapshot doomed still there", Ct);
    }

    [Fact]
    public async Task Should_drop_a_reference_whose_container_was_never_committed_and_collect_its_snapshot()
    {
        Requirements.RabbitMq();
        var ns = NewNamespace();
        var client = fixture.Client;
        var lease = await client.Leases.CreateAsync(new CreateLease { Namespace = ns }, Ct);
        var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Key = "orphaned", LeaseId = lease.Id }, Ct);
        var snapshotter = prepared.Snapshot.Snapshotter;
        await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = snapshotter, Key = "used", LeaseId = lease.Id }, Ct);
        await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = snapshotter, Key = "earlier-incarnation", LeaseId = lease.Id }, Ct);
        // The control: a container that did commit, its reference as old as the other one.
        await client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = "committed", Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec, Snapshotter = snapshotter, SnapshotKey = "used",
        }, Ct);
        var staged = Stopwatch.StartNew();
        await fixture.AddReferenceAsync(ns, snapshotter, "orphaned", "never-committed", DateTimeOffset.UtcNow.UtcTicks, Ct);
        // The same id as the committed container, but an incarnation that never committed: gone just the same.
        await fixture.AddReferenceAsync(ns, snapshotter, "earlier-incarnation", "committed", 42, Ct);
        await client.Leases.DeleteAsync(lease.Id, ns, Ct);
        var (folder, _) = await fixture.FolderOfAsync(ns, snapshotter, "orphaned", Ct);

        await client.Gc.CollectAsync(cancellationToken: Ct);
        if (staged.Elapsed < CrashFixture.Grace)
            Assert.True(await fixture.ExistsAsync(ns, snapshotter, "orphaned", Ct), "a reference younger than the grace may belong to a create in flight");

        await fixture.PassUntilAsync(async () => !await fixture.ExistsAsync(ns, snapshotter, "orphaned", Ct) && !await fixture.ExistsAsync(ns, snapshotter, "earlier-incarnation", Ct),
            "references of a container that never existed, or of an incarnation that never committed, still hold their snapshots", Ct);
        Assert.False(Directory.Exists(folder));
        Assert.True(await fixture.ExistsAsync(ns, snapshotter, "used", Ct), "the reference of a committed container was dropped");
        var graph = await fixture.Store.LoadGraphAsync(Ct);
        Assert.Equal(["committed"], graph.References.Where(r => r.Namespace == ns).Select(r => r.OwnerId));

        await client.Containers.DeleteAsync("committed", @namespace: ns, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => !await fixture.ExistsAsync(ns, snapshotter, "used", Ct), Ct, because: "deleting the container collects its snapshot");
    }

    [Fact]
    public async Task Should_keep_removing_other_garbage_when_one_removal_fails_and_retry_it_later()
    {
        Requirements.RabbitMq();
        var ns = NewNamespace();
        var client = fixture.Client;
        var driver = fixture.Snapshotters.Get(null);
        // Keys sort so that the blocked snapshot is tried first within the pass.
        foreach (var key in (string[])["a-blocked", "b-garbage", "c-garbage"])
            await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = driver.Name, Key = key }, Ct);
        var (blocked, blockedRecord) = await fixture.FolderOfAsync(ns, driver.Name, "a-blocked", Ct);
        var (garbageB, _) = await fixture.FolderOfAsync(ns, driver.Name, "b-garbage", Ct);
        var (garbageC, _) = await fixture.FolderOfAsync(ns, driver.Name, "c-garbage", Ct);
        // Two folders left long ago by crashes before their records were written; the first one blocked too, so the
        // sweep of orphan folders meets a failure before the other one.
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var blockedOrphanId = await fixture.Store.AllocateDirIdAsync(longAgo, Ct);
        var orphanId = await fixture.Store.AllocateDirIdAsync(longAgo, Ct);
        await driver.CreateAsync(blockedOrphanId, [], Ct);
        await driver.CreateAsync(orphanId, [], Ct);
        var blockedOrphan = fixture.FolderOf(driver.Name, blockedOrphanId);
        var orphan = fixture.FolderOf(driver.Name, orphanId);

        await using var obstacles = new Obstacles();
        await obstacles.PinAsync(driver.FilesPath(blockedRecord.DirId));
        await obstacles.PinAsync(driver.FilesPath(blockedOrphanId));

        var pass = await client.Gc.CollectAsync(cancellationToken: Ct);
        var removed = pass.Removed.Where(r => r.Namespace == ns).Select(r => r.Resource.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a-blocked", "b-garbage", "c-garbage"], removed);
        Assert.False(Directory.Exists(garbageB), "garbage after the failing removal was left");
        Assert.False(Directory.Exists(garbageC), "garbage after the failing removal was left");
        Assert.False(Directory.Exists(orphan), "an orphan folder after the failing one was left");
        Assert.True(Directory.Exists(blocked), $"the obstacle did not block: {obstacles.How}");
        Assert.True(Directory.Exists(blockedOrphan), $"the obstacle did not block: {obstacles.How}");

        // Still blocked: a later pass fails again, quietly.
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(Directory.Exists(blocked));

        await obstacles.RemoveAllAsync();
        await fixture.PassUntilAsync(() => Task.FromResult(!Directory.Exists(blocked) && !Directory.Exists(blockedOrphan)),
            $"once unblocked, {blocked} and {blockedOrphan} should go", Ct);
    }

    /// <summary>
    /// Holds on a snapshot are counted; a request that arrives twice (a retry, or a redelivery after a crash)
    /// must count once either way, or a snapshot goes while still held (or stays forever).
    /// </summary>
    [Fact]
    public async Task Should_count_a_reference_change_delivered_twice_once()
    {
        Requirements.RabbitMq();
        var ns = NewNamespace();
        var client = fixture.Client;
        var lease = await client.Leases.CreateAsync(new CreateLease { Namespace = ns }, Ct);
        var snapshotter = (await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Key = "added-twice", LeaseId = lease.Id }, Ct)).Snapshot.Snapshotter;
        await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = snapshotter, Key = "released-twice", LeaseId = lease.Id }, Ct);
        (AddReference, RemoveReference) Change(string key)
        {
            var resource = new ResourceRef { Kind = "snapshot", Snapshotter = snapshotter, Key = key };
            return (new AddReference { Namespace = ns, Resource = resource, OwnerKind = "container", OwnerId = "mover", OwnerGeneration = 7 },
                    new RemoveReference { Namespace = ns, Resource = resource, OwnerKind = "container", OwnerId = "mover", OwnerGeneration = 7 });
        }

        var (addOnce, releaseOnce) = Change("added-twice");
        var redelivered = Guid.NewGuid();
        await SendAsync(addOnce, redelivered);
        await SendAsync(addOnce, redelivered);
        var (add, release) = Change("released-twice");
        await SendAsync(add, Guid.NewGuid());
        await SendAsync(add, Guid.NewGuid());
        await client.Leases.DeleteAsync(lease.Id, ns, Ct);

        redelivered = Guid.NewGuid();
        await SendAsync(release, redelivered);
        await SendAsync(release, redelivered);
        Assert.True(await fixture.ExistsAsync(ns, snapshotter, "released-twice", Ct), "a release delivered twice gave back two holds");
        await SendAsync(release, Guid.NewGuid());
        Assert.False(await fixture.ExistsAsync(ns, snapshotter, "released-twice", Ct), "the last hold's release should collect the snapshot");

        await SendAsync(releaseOnce, Guid.NewGuid());
        Assert.False(await fixture.ExistsAsync(ns, snapshotter, "added-twice", Ct), "an add delivered twice took two holds, so one release left the snapshot held");
    }

    /// <summary>Sends a request with a chosen message id, as a redelivery of the same message would carry.</summary>
    private async Task SendAsync<T>(T request, Guid messageId) where T : class
    {
        var bus = fixture.Services.GetRequiredService<IBus>();
        var requests = bus.CreateRequestClient<T>(new Uri($"queue:{fixture.Prefix}{QueueNames.Of<T>()}"), RequestTimeout.After(s: 20));
        var response = await requests.GetResponse<ReferenceResult, ErrorReply>(request, x => x.UseExecute(context => context.MessageId = messageId), Ct);
        Assert.True(response.Is(out Response<ReferenceResult>? _), $"{typeof(T).Name} was refused");
    }
}
