using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts.Resources;
using Platform.Hosting.Options;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

/// <summary>
/// Removes what nothing uses: snapshots and content. There is no lock over the store: each removal is one transaction
/// that checks, at that moment, that the resource is unreferenced, childless, held by no live lease, named by no
/// content record's GC label, not a root, and older than the pass; the graph read at the start of a pass only
/// proposes candidates. Referrers go before what they refer to, so a whole unused chain goes in one pass. A removal
/// that fails is logged and retried by a later pass; it never stops the pass. A content record goes before its blob.
/// </summary>
public sealed class Collector(
    IResourceStore store,
    Snapshotters snapshotters,
    SnapshotService snapshots,
    ContentBlobs blobs,
    ContentIngests ingests,
    IOwnerDirectory owners,
    TimeProvider clock,
    IOptions<ResourceGcOptions> options,
    IOptions<StoreOptions> storeOptions,
    ILogger<Collector> logger)
{
    /// <summary>
    /// How long the ids of applied reference operations are remembered to drop redeliveries. Duplicates come from
    /// a retry or from the outbox republishing after a crash, minutes later; a day leaves a wide margin while
    /// keeping the table to about a day of container updates.
    /// </summary>
    private static readonly TimeSpan OperationMemory = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _passes = new(1, 1);

    /// <summary>
    /// Prompt collection after references were released: tries each candidate (a snapshot, or content when the space is
    /// <see cref="ResourceSpaces.Content"/>), then what each one removed referred to (a snapshot's parent, what a content
    /// record's labels name), so a whole unused chain goes at once: an image's manifest, config, layers and snapshots.
    /// </summary>
    public async Task<IReadOnlyList<CollectedResource>> CollectAsync(IEnumerable<(string Namespace, string Snapshotter, string Key)> candidates, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var passStart = clock.GetUtcNow();
        var removed = new List<CollectedResource>();
        var queue = new Queue<(string Namespace, string Space, string Key)>(candidates);
        while (queue.TryDequeue(out var candidate))
        {
            if (ResourceSpaces.IsContent(candidate.Space))
            {
                if (await TryCollectContentAsync(candidate.Namespace, candidate.Key, passStart, ct) is not { } content)
                    continue;
                removed.Add(content.Collected);
                foreach (var edge in content.Record.Edges)
                    queue.Enqueue((edge.Namespace, edge.ToSpace, edge.ToKey));
                continue;
            }
            var collected = await TryCollectAsync(candidate.Namespace, candidate.Space, candidate.Key, passStart, ct);
            if (collected is null)
                continue;
            removed.Add(collected.Value.Collected);
            if (collected.Value.Record.Parent is { } parent)
                queue.Enqueue((candidate.Namespace, candidate.Space, parent));
        }
        await ReportAsync(removed, started.Elapsed, ct);
        return removed;
    }

    /// <summary>
    /// A full pass: expires leases, drops references whose owner is gone, marks everything reachable from the
    /// roots, removes the rest (children first), then removes folders with no record and stale imports.
    /// </summary>
    public async Task<GarbageCollectionResult> RunPassAsync(bool dryRun, CancellationToken ct)
    {
        await _passes.WaitAsync(ct);
        try
        {
            var started = Stopwatch.StartNew();
            var passStart = clock.GetUtcNow();
            var graceLimit = passStart - options.Value.Grace;
            if (!dryRun)
            {
                await ExpireLeasesAsync(passStart, ct);
                await DropDanglingReferencesAsync(graceLimit, ct);
                await ForgetOldOperationsAsync(passStart - OperationMemory, ct);
            }

            var graph = await store.LoadGraphAsync(ct);
            var alive = GcGraph.Reachable(graph, passStart);
            var snapshotsByNode = graph.Snapshots.Where(s => !alive.Contains(GcGraph.Node(s)) && s.CreatedAt < passStart).ToDictionary(GcGraph.Node);
            var contentsByNode = graph.Contents.Where(c => !alive.Contains(GcGraph.Node(c)) && c.CreatedAt < passStart).ToDictionary(GcGraph.Node);
            var garbage = GcGraph.RemovalOrder(graph, [.. snapshotsByNode.Keys, .. contentsByNode.Keys]);

            var removed = new List<CollectedResource>();
            foreach (var node in garbage)
            {
                if (contentsByNode.TryGetValue(node, out var content))
                {
                    if (dryRun)
                        removed.Add(Describe(content));
                    else if (await TryCollectContentAsync(content.Namespace, content.Digest, passStart, ct) is { } collectedContent)
                        removed.Add(collectedContent.Collected);
                    continue;
                }
                var snapshot = snapshotsByNode[node];
                if (dryRun)
                    removed.Add(Describe(snapshot, SizeOf(snapshot)));
                else if (await TryCollectAsync(snapshot.Namespace, snapshot.Snapshotter, snapshot.Key, passStart, ct) is { } collected)
                    removed.Add(collected.Collected);
            }
            if (!dryRun)
            {
                await RemoveOrphanFoldersAsync(graceLimit, ct);
                RemoveStaleImports(graceLimit);
                await RemoveContentLeftoversAsync(graceLimit, passStart - options.Value.IngestGrace, ct);
                await ReportAsync(removed, started.Elapsed, ct);
            }
            logger.LogInformation("Collection pass{DryRun} removed {Count} resources ({Bytes} bytes) in {Elapsed}",
                dryRun ? " (dry run)" : "", removed.Count, removed.Sum(r => r.Size), started.Elapsed);
            return new GarbageCollectionResult { Removed = removed, BytesFreed = removed.Sum(r => r.Size), Duration = started.Elapsed, DryRun = dryRun };
        }
        finally
        {
            _passes.Release();
        }
    }

    private async Task<(SnapshotRecord Record, CollectedResource Collected)?> TryCollectAsync(string ns, string snapshotter, string key, DateTimeOffset passStart, CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow();
            var record = await store.TryCollectSnapshotAsync(ns, snapshotter, key, passStart, now, r => Events.Removed(r, now, collected: true), ct);
            if (record is null)
                return null;
            var size = SizeOf(record);
            await snapshots.RemoveFolderAsync(snapshotters.Get(record.Snapshotter), record);
            logger.LogInformation("Collected snapshot {Namespace}/{Snapshotter}/{Key} ({Bytes} bytes)", ns, snapshotter, key, size);
            return (record, Describe(record, size));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Collecting snapshot {Namespace}/{Snapshotter}/{Key} failed; a later pass retries", ns, snapshotter, key);
            return null;
        }
    }

    /// <summary>The collector's removal of a content record, then of its blob when no namespace has the digest any more.</summary>
    private async Task<(ContentRecord Record, CollectedResource Collected)?> TryCollectContentAsync(string ns, string digest, DateTimeOffset passStart, CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow();
            var record = await store.TryCollectContentAsync(ns, digest, passStart, now, r => Events.ContentRemoved(r, now, collected: true), ct);
            if (record is null)
                return null;
            await blobs.RemoveIfUnrecordedAsync(digest, ct);
            logger.LogInformation("Collected content {Namespace}/{Digest} ({Bytes} bytes)", ns, digest, record.Size);
            return (record, Describe(record));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Collecting content {Namespace}/{Digest} failed; a later pass retries", ns, digest);
            return null;
        }
    }

    /// <summary>Blob files no record names (older than the grace) and ingests abandoned for longer than the ingest grace.</summary>
    private async Task RemoveContentLeftoversAsync(DateTimeOffset blobsOlderThan, DateTimeOffset ingestsOlderThan, CancellationToken ct)
    {
        try
        {
            var recorded = (await store.LoadGraphAsync(ct)).Contents.Select(c => c.Digest).ToHashSet();
            await blobs.RemoveOrphansAsync(blobsOlderThan, recorded, ct);
            await ingests.RemoveStaleAsync(ingestsOlderThan, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Removing content leftovers failed; a later pass retries");
        }
    }

    private static CollectedResource Describe(ContentRecord record) =>
        new() { Namespace = record.Namespace, Resource = record.Ref, Size = record.Size };

    private long SizeOf(SnapshotRecord record)
    {
        try
        {
            return snapshotters.Get(record.Snapshotter).Usage(record.DirId).Size;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private static CollectedResource Describe(SnapshotRecord record, long size) =>
        new() { Namespace = record.Namespace, Resource = record.Ref, Size = size };

    private async Task ExpireLeasesAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var lease in await store.ListLeasesAsync(null, ct))
        {
            if (lease.IsLive(now))
                continue;
            try
            {
                await store.DeleteLeaseAsync(lease.Namespace, lease.Id, Events.LeaseDeleted(lease.Namespace, lease.Id, now), ct);
                logger.LogInformation("Lease {Namespace}/{LeaseId} expired at {ExpiresAt} and was deleted", lease.Namespace, lease.Id, lease.ExpiresAt);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Deleting expired lease {Namespace}/{LeaseId} failed; a later pass retries", lease.Namespace, lease.Id);
            }
        }
    }

    private async Task DropDanglingReferencesAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        // Containers and images answer for their references through the metadata service, tasks through the task runner.
        await DropDanglingReferencesAsync(OwnerKinds.Container, olderThan, ct);
        await DropDanglingReferencesAsync(OwnerKinds.Image, olderThan, ct);
        await DropDanglingReferencesAsync(OwnerKinds.Task, olderThan, ct);
    }

    private async Task DropDanglingReferencesAsync(string ownerKind, DateTimeOffset olderThan, CancellationToken ct)
    {
        foreach (var group in (await store.ReferencesAsync(ownerKind, olderThan, ct)).GroupBy(r => r.Namespace))
        {
            // The bulk answer only spares questions about owners it saw; every drop is confirmed one by one.
            IReadOnlyDictionary<string, long> known;
            try
            {
                known = await owners.ExistingAsync(group.Key, ownerKind, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Listing the {OwnerKind} owners of namespace {Namespace} failed; checking its references one by one", ownerKind, group.Key);
                known = new Dictionary<string, long>();
            }
            foreach (var reference in group)
            {
                if (known.TryGetValue(reference.OwnerId, out var generation) && (reference.Generation == 0 || reference.Generation == generation))
                    continue;
                await DropIfOwnerGoneAsync(reference, ct);
            }
        }
    }

    private async Task DropIfOwnerGoneAsync(ReferenceRecord reference, CancellationToken ct)
    {
        try
        {
            if (await owners.ExistsAsync(reference.Namespace, reference.OwnerKind, reference.OwnerId, reference.Generation, ct))
                return;
            await store.RemoveReferenceAsync(reference.Namespace, reference.Snapshotter, reference.Key, reference.OwnerKind, reference.OwnerId, reference.Generation, ct);
            logger.LogWarning("Dropped the reference of {OwnerKind} {Namespace}/{OwnerId} on {Snapshotter}/{Key}: the owner no longer exists",
                reference.OwnerKind, reference.Namespace, reference.OwnerId, reference.Snapshotter, reference.Key);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Checking the owner of a reference on {Snapshotter}/{Key} failed; a later pass retries", reference.Snapshotter, reference.Key);
        }
    }

    private async Task ForgetOldOperationsAsync(DateTimeOffset before, CancellationToken ct)
    {
        try
        {
            await store.ForgetOperationsAsync(before, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Forgetting reference operations applied before {Before} failed; a later pass retries", before);
        }
    }

    private async Task RemoveOrphanFoldersAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        // Order matters. A folder exists only once its creation has started, so a listed folder that is not
        // being created after the listing, nor recorded in the graph read after that, was left by a crash.
        var listed = snapshotters.All.Select(d => (Driver: d, Ids: d.ListIds())).ToList();
        var creating = snapshots.FoldersBeingCreated();
        var graph = await store.LoadGraphAsync(ct);
        var recorded = graph.Snapshots.Select(s => (s.Snapshotter, s.DirId)).ToHashSet();
        var allocated = await store.DirAllocationsAsync(ct);
        foreach (var (driver, ids) in listed)
        {
            foreach (var id in ids)
            {
                if (recorded.Contains((driver.Name, id)) || creating.Contains(id))
                    continue;
                // A folder allocated moments ago may belong to a snapshot whose record is being written.
                if (allocated.TryGetValue(id, out var at) && at >= olderThan)
                    continue;
                try
                {
                    await driver.RemoveAsync(id, ct);
                    logger.LogInformation("Removed folder {DirId} of {Snapshotter}: no snapshot record refers to it", id, driver.Name);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Removing orphan folder {DirId} of {Snapshotter} failed; a later pass retries", id, driver.Name);
                }
            }
        }
        foreach (var snapshot in graph.Snapshots)
            if (!snapshotters.Get(snapshot.Snapshotter).Exists(snapshot.DirId))
                logger.LogError("Snapshot {Namespace}/{Snapshotter}/{Key} has lost its folder {DirId} on disk", snapshot.Namespace, snapshot.Snapshotter, snapshot.Key, snapshot.DirId);
    }

    private void RemoveStaleImports(DateTimeOffset olderThan)
    {
        var folder = Import.ImportSessions.FolderUnder(storeOptions.Value.DataRoot);
        if (!Directory.Exists(folder))
            return;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc >= olderThan.UtcDateTime)
                continue;
            try
            {
                file.Delete();
                logger.LogInformation("Removed abandoned import {File}", file.Name);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Removing abandoned import {File} failed", file.Name);
            }
        }
    }

    private async Task ReportAsync(IReadOnlyList<CollectedResource> removed, TimeSpan elapsed, CancellationToken ct)
    {
        foreach (var group in removed.GroupBy(r => r.Namespace))
        {
            var now = clock.GetUtcNow();
            var count = group.Count();
            var bytes = group.Sum(r => r.Size);
            await store.AppendEventAsync("gc", group.Key, "pass", seq => new GarbageCollected
            {
                EventId = Guid.NewGuid(), Timestamp = now, Namespace = group.Key, Sequence = seq,
                Removed = count, BytesFreed = bytes, Duration = elapsed,
            }, ct);
        }
    }
}
