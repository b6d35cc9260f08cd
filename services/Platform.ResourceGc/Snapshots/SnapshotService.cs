using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Common.Paging;
using Platform.Contracts.Resources;
using Platform.Hosting.Commands;
using Platform.ResourceGc.Drivers;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Snapshots;

/// <summary>
/// Snapshot use cases. Order matters for crash safety: a new snapshot's folder is created before its record
/// (a crash leaves a folder with no record, which a pass removes) and a removed snapshot's record goes before
/// its folder (a crash leaves the same kind of leftover, never a record without data). Prepare, view, commit and remove
/// given a <see cref="CommandKey"/> run once per key: a redelivery gets the first outcome (<see cref="CommandOnce"/>).
/// </summary>
public sealed class SnapshotService(IResourceStore store, Snapshotters snapshotters, TimeProvider clock, ILogger<SnapshotService> logger,
    [FromKeyedServices(ResourceDatabase.Name)] CommandOnce? commands = null)
{
    private readonly CommandOnce _once = commands ?? CommandOnce.Unrecorded;

    // Folders whose snapshot is being created now. Filling one (a big import, a big copy) can outlast the
    // collector's grace period; a pass must still not take such a folder for a leftover.
    private readonly ConcurrentDictionary<long, byte> _creating = new();

    public Task<SnapshotMountsResult> PrepareAsync(PrepareSnapshot request, CancellationToken ct, CommandKey? command = null) =>
        _once.RunAsync<SnapshotMountsResult>(command, outcome =>
            CreateAsync(request.Namespace, request.Snapshotter, request.Key, request.Parent, request.Labels, request.LeaseId, SnapshotKind.Active, outcome, ct), ct);

    public Task<SnapshotMountsResult> ViewAsync(ViewSnapshot request, CancellationToken ct, CommandKey? command = null) =>
        _once.RunAsync<SnapshotMountsResult>(command, outcome =>
            CreateAsync(request.Namespace, request.Snapshotter, request.Key, request.Parent, request.Labels, request.LeaseId, SnapshotKind.View, outcome, ct), ct);

    /// <summary>Creates a snapshot record over a folder already filled by <paramref name="fill"/> (import).</summary>
    /// <param name="outcome">Makes the command's outcome from the record and its committed ancestors, recorded with it.</param>
    public async Task<SnapshotRecord> CreateFilledAsync(string ns, ISnapshotDriver driver, string key, string? parent,
        IReadOnlyDictionary<string, string> labels, string? leaseId, SnapshotKind kind, Func<long, Task> fill, CancellationToken ct,
        Func<SnapshotRecord, IReadOnlyList<SnapshotRecord>, CommandOutcome?>? outcome = null)
    {
        var chain = await ChainAsync(ns, driver.Name, parent, ct);
        var now = clock.GetUtcNow();
        var dirId = await store.AllocateDirIdAsync(now, ct);
        _creating[dirId] = 0;
        try
        {
            await driver.CreateAsync(dirId, chain.Select(p => p.DirId).ToList(), ct);
            await fill(dirId);
            var record = new SnapshotRecord(ns, driver.Name, key, dirId, kind, parent, labels, now, now);
            // An import creates a committed snapshot directly: subscribers watching commits must see it.
            var created = kind == SnapshotKind.Committed ? Events.Committed(record, key, now) : Events.Prepared(record, now);
            await store.InsertSnapshotAsync(record, leaseId, created, ct, outcome?.Invoke(record, chain));
            logger.LogInformation("Snapshot {Namespace}/{Snapshotter}/{Key} created ({Kind}, parent {Parent}, folder {DirId})",
                ns, driver.Name, key, kind, parent, dirId);
            return record;
        }
        catch
        {
            await driver.RemoveAsync(dirId, CancellationToken.None);
            throw;
        }
        finally
        {
            // Only now: the record is committed (or the folder removed), so a pass that reads the graph after
            // looking here sees one or the other.
            _creating.TryRemove(dirId, out _);
        }
    }

    /// <summary>The folders of snapshots being created at this moment, whose records may not exist yet.</summary>
    public IReadOnlySet<long> FoldersBeingCreated() => _creating.Keys.ToHashSet();

    public async Task<SnapshotMountsResult> MountsAsync(GetSnapshotMounts request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var record = await store.GetSnapshotAsync(ns, driver.Name, key, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, driver.Name, key);
        if (record.Kind == SnapshotKind.Committed)
            throw PlatformException.FailedPrecondition($"snapshot {driver.Name}/{key} is committed; mount an active snapshot or a view prepared from it");
        return await WithMountsAsync(driver, record, ct);
    }

    public Task<Snapshot> CommitAsync(CommitSnapshot request, CancellationToken ct, CommandKey? command = null) =>
        _once.RunAsync<Snapshot>(command, outcome => CommitOnceAsync(request, outcome, ct), ct);

    private async Task<Snapshot> CommitOnceAsync(CommitSnapshot request, Func<Snapshot, CommandOutcome?> outcome, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var name = SnapshotRules.Key(request.Name, "committed name");
        var labels = request.Labels is null ? null : SnapshotRules.Labels(request.Labels);
        var now = clock.GetUtcNow();
        var record = await store.CommitSnapshotAsync(ns, driver.Name, key, name, labels, request.LeaseId, now,
            committed => Events.Committed(committed, key, now), ct, committed => outcome(committed.ToContract()));
        return record.ToContract();
    }

    /// <remarks>A redelivery after the record went but before the folder did answers from the outcome; the pass removes the folder.</remarks>
    public Task<Snapshot> RemoveAsync(RemoveSnapshot request, CancellationToken ct, CommandKey? command = null) =>
        _once.RunAsync<Snapshot>(command, outcome => RemoveOnceAsync(request, outcome, ct), ct);

    private async Task<Snapshot> RemoveOnceAsync(RemoveSnapshot request, Func<Snapshot, CommandOutcome?> outcome, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var now = clock.GetUtcNow();
        var removed = await store.RemoveSnapshotAsync(ns, driver.Name, key, now, r => Events.Removed(r, now, collected: false), ct,
            r => outcome(r.ToContract()));
        await RemoveFolderAsync(driver, removed);
        return removed.ToContract();
    }

    public async Task<Snapshot> StatAsync(StatSnapshot request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var record = await store.GetSnapshotAsync(ns, driver.Name, key, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, driver.Name, key);
        return record.ToContract();
    }

    public async Task<Snapshot> UpdateAsync(UpdateSnapshot request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var record = await store.UpdateLabelsAsync(ns, driver.Name, key, stored => ApplyLabelMask(stored, request), clock.GetUtcNow(), ct);
        return record.ToContract();
    }

    public async Task<ListSnapshotsResult> ListAsync(ListSnapshots request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var filters = FilterSet.Parse(request.Filters);
        var (page, after) = await store.ListSnapshotsAsync(ns, driver.Name, filters, PageLimits.Of(request.Limit), PageTokens.Decode(request.ContinuationToken), ct);
        return new ListSnapshotsResult { Snapshots = page.Select(r => r.ToContract()).ToList(), ContinuationToken = PageTokens.Encode(after) };
    }

    public async Task<SnapshotUsageResult> UsageAsync(GetSnapshotUsage request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var key = SnapshotRules.Key(request.Key);
        var record = await store.GetSnapshotAsync(ns, driver.Name, key, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, driver.Name, key);
        var (size, inodes) = driver.Usage(record.DirId);
        return new SnapshotUsageResult { Size = size, Inodes = inodes };
    }

    /// <summary>Removes a snapshot's folder after its record is gone; a failure leaves a leftover the next pass removes.</summary>
    public async Task RemoveFolderAsync(ISnapshotDriver driver, SnapshotRecord removed)
    {
        try
        {
            await driver.RemoveAsync(removed.DirId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Removing the folder {DirId} of snapshot {Snapshotter}/{Key} failed; the next pass retries",
                removed.DirId, removed.Snapshotter, removed.Key);
        }
    }

    private async Task<SnapshotMountsResult> CreateAsync(string? @namespace, string? snapshotter, string? key, string? parent,
        IReadOnlyDictionary<string, string>? labels, string? leaseId, SnapshotKind kind, Func<SnapshotMountsResult, CommandOutcome?> outcome,
        CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(@namespace);
        var driver = snapshotters.Get(snapshotter);
        var validKey = SnapshotRules.Key(key);
        var validParent = parent is null or "" ? null : SnapshotRules.Key(parent, "parent");
        var record = await CreateFilledAsync(ns, driver, validKey, validParent, SnapshotRules.Labels(labels), leaseId, kind, _ => Task.CompletedTask, ct,
            (created, chain) => outcome(Mounted(driver, created, chain)));
        return await WithMountsAsync(driver, record, ct);
    }

    private async Task<SnapshotMountsResult> WithMountsAsync(ISnapshotDriver driver, SnapshotRecord record, CancellationToken ct) =>
        Mounted(driver, record, await ChainAsync(record.Namespace, record.Snapshotter, record.Parent, ct));

    private static SnapshotMountsResult Mounted(ISnapshotDriver driver, SnapshotRecord record, IReadOnlyList<SnapshotRecord> chain) => new()
    {
        Snapshot = record.ToContract(),
        Mounts = driver.Mounts(record.DirId, record.Kind, chain.Select(p => p.DirId).ToList()),
    };

    /// <summary>The committed ancestors from <paramref name="parent"/> up, nearest first; NotFound if one is missing.</summary>
    private async Task<IReadOnlyList<SnapshotRecord>> ChainAsync(string ns, string snapshotter, string? parent, CancellationToken ct)
    {
        var chain = new List<SnapshotRecord>();
        for (var key = parent; key is not null;)
        {
            var record = await store.GetSnapshotAsync(ns, snapshotter, key, ct)
                ?? throw ResourceErrors.ParentNotFound(ns, snapshotter, key);
            chain.Add(record);
            key = record.Parent;
        }
        return chain;
    }

    private static IReadOnlyDictionary<string, string> ApplyLabelMask(SnapshotRecord stored, UpdateSnapshot request) =>
        SnapshotRules.ApplyLabelMask(stored.Labels, request.UpdateMask, request.Labels, $"snapshot {stored.Key}");
}
