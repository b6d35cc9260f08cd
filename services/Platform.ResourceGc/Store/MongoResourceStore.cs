using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts.Resources;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Snapshots;

namespace Platform.ResourceGc.Store;

/// <summary>
/// The resource store on MongoDB. Every operation runs in a transaction, so a replica set is required (a
/// standalone server is refused at start-up with a clear message). Without a global lock, what makes a
/// removal safe is a write conflict: a snapshot document counts what protects it (<c>refs</c>, <c>children</c>,
/// <c>holds</c>), everything that adds protection increments its counter in the same transaction, and a
/// removal deletes the document only with those counters as read. Two transactions touching the same
/// document cannot both commit, so a reference added concurrently with a collection either lands first (and
/// the removal finds it) or fails with NotFound after it.
/// </summary>
public sealed partial class MongoResourceStore(IMongoDatabase database, OutboxSignal signal) : IResourceStore, IOutboxStore, IEventHistoryStore, IInitializableStore
{
    private readonly IMongoCollection<SnapshotDoc> _snapshots = database.GetCollection<SnapshotDoc>("resources.snapshots");
    private readonly IMongoCollection<RefDoc> _refs = database.GetCollection<RefDoc>("resources.refs");
    private readonly IMongoCollection<LeaseDoc> _leases = database.GetCollection<LeaseDoc>("resources.leases");
    private readonly IMongoCollection<HoldDoc> _holds = database.GetCollection<HoldDoc>("resources.holds");
    private readonly IMongoCollection<CounterDoc> _counters = database.GetCollection<CounterDoc>("resources.counters");
    private readonly IMongoCollection<DirDoc> _dirs = database.GetCollection<DirDoc>("resources.dirs");
    private readonly IMongoCollection<AppliedDoc> _applied = database.GetCollection<AppliedDoc>("resources.applied");
    private readonly MongoOutbox _outbox = new(database, "resources");
    private readonly MongoCommandOutcomes _outcomes = new(database, "resources");

    public ICommandOutcomeStore Outcomes => _outcomes;

    public string Name => "resources";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.InitializeAsync(cancellationToken);
        if (!_outbox.Transactional)
            throw new InvalidOperationException("the resource store needs MongoDB transactions: point Store:MongoUri at a replica set (docker-compose starts one)");
        await _snapshots.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<SnapshotDoc>(Builders<SnapshotDoc>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Snapshotter).Ascending(d => d.Key)),
            new CreateIndexModel<SnapshotDoc>(Builders<SnapshotDoc>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Snapshotter).Ascending(d => d.Parent)),
        ], cancellationToken);
        await _refs.Indexes.CreateOneAsync(new CreateIndexModel<RefDoc>(Builders<RefDoc>.IndexKeys.Ascending(d => d.SnapshotId)), cancellationToken: cancellationToken);
        await _holds.Indexes.CreateOneAsync(new CreateIndexModel<HoldDoc>(Builders<HoldDoc>.IndexKeys.Ascending(d => d.SnapshotId)), cancellationToken: cancellationToken);
        await _holds.Indexes.CreateOneAsync(new CreateIndexModel<HoldDoc>(Builders<HoldDoc>.IndexKeys.Ascending(d => d.LeaseKey)), cancellationToken: cancellationToken);
        await _applied.Indexes.CreateOneAsync(new CreateIndexModel<AppliedDoc>(Builders<AppliedDoc>.IndexKeys.Ascending(d => d.AppliedAt)), cancellationToken: cancellationToken);
        await InitializeContentAsync(cancellationToken);
        await InitializeVolumesAsync(cancellationToken);
    }

    public async Task<long> AllocateDirIdAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counter = await _counters.FindOneAndUpdateAsync(Builders<CounterDoc>.Filter.Eq(d => d.Id, "dirs"),
            Builders<CounterDoc>.Update.Inc(d => d.Last, 1),
            new FindOneAndUpdateOptions<CounterDoc, CounterDoc> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, cancellationToken);
        await _dirs.InsertOneAsync(new DirDoc { Id = counter.Last, CreatedAt = now.UtcTicks }, cancellationToken: cancellationToken);
        return counter.Last;
    }

    public async Task<Dictionary<long, DateTimeOffset>> DirAllocationsAsync(CancellationToken cancellationToken) =>
        (await _dirs.Find(FilterDefinition<DirDoc>.Empty).ToListAsync(cancellationToken))
        .ToDictionary(d => d.Id, d => new DateTimeOffset(d.CreatedAt, TimeSpan.Zero));

    public async Task<SnapshotRecord?> GetSnapshotAsync(string ns, string snapshotter, string key, CancellationToken cancellationToken) =>
        (await FindSnapshotAsync(null, SnapshotId(ns, snapshotter, key), cancellationToken))?.ToRecord();

    public async Task InsertSnapshotAsync(SnapshotRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = SnapshotId(record.Namespace, record.Snapshotter, record.Key);
            if (await FindSnapshotAsync(s, id, ct) is not null)
                throw ResourceErrors.SnapshotExists(record.Namespace, record.Snapshotter, record.Key);
            if (record.Parent is not null)
            {
                var parentId = SnapshotId(record.Namespace, record.Snapshotter, record.Parent);
                var parent = await _snapshots.UpdateOneAsync(s!, d => d.Id == parentId && d.Kind == SnapshotKind.Committed,
                    Builders<SnapshotDoc>.Update.Inc(d => d.Children, 1), cancellationToken: ct);
                if (parent.MatchedCount == 0)
                    throw await FindSnapshotAsync(s, parentId, ct) is { } p
                        ? ResourceErrors.ParentNotCommitted(record.Snapshotter, record.Parent, p.Kind)
                        : ResourceErrors.ParentNotFound(record.Namespace, record.Snapshotter, record.Parent);
            }
            var inserted = SnapshotDoc.From(record);
            inserted.Labelled = await EdgesToAsync(s!, id, ct);
            await _snapshots.InsertOneAsync(s!, inserted, cancellationToken: ct);
            if (leaseId is not null)
                await HoldAsync(s!, record.Namespace, leaseId, record.Snapshotter, record.Key, ct);
            await _outbox.AppendEventAsync(s, "snapshot", record.Namespace, $"{record.Snapshotter}/{record.Key}", makeEvent, ct);
            if (outcome is not null)
                await _outcomes.RecordAsync(s, outcome, ct);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    public async Task<SnapshotRecord> CommitSnapshotAsync(string ns, string snapshotter, string key, string name,
        IReadOnlyDictionary<string, string>? labels, string? leaseId, DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent,
        CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null)
    {
        var committed = await _outbox.WriteAsync(async (s, ct) =>
        {
            var activeId = SnapshotId(ns, snapshotter, key);
            var active = await FindSnapshotAsync(s, activeId, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
            if (active.Kind != SnapshotKind.Active)
                throw ResourceErrors.NotActive(snapshotter, key, active.Kind);
            var nameId = SnapshotId(ns, snapshotter, name);
            if (await FindSnapshotAsync(s, nameId, ct) is not null)
                throw ResourceErrors.SnapshotExists(ns, snapshotter, name);
            if (active.Refs > 0)
                throw ResourceErrors.CommittedWhileUsed(snapshotter, key, await OwnerNamesAsync(s, activeId, ct));

            // A document's id can't change: the committed snapshot is a new document over the same folder.
            var record = active.ToRecord() with { Key = name, Kind = SnapshotKind.Committed, Labels = labels ?? active.ToRecord().Labels, UpdatedAt = now };
            var deleted = await _snapshots.DeleteOneAsync(s!, d => d.Id == activeId && d.Refs == 0 && d.Children == 0, cancellationToken: ct);
            if (deleted.DeletedCount == 0)
                throw PlatformException.FailedPrecondition($"snapshot {snapshotter}/{key} changed while it was being committed; try again");
            var holds = await _holds.Find(s!, d => d.SnapshotId == activeId).ToListAsync(ct);
            await _holds.DeleteManyAsync(s!, d => d.SnapshotId == activeId, cancellationToken: ct);
            var document = SnapshotDoc.From(record);
            document.Holds = holds.Count;
            document.Labelled = await EdgesToAsync(s!, nameId, ct);
            await _snapshots.InsertOneAsync(s!, document, cancellationToken: ct);
            foreach (var hold in holds)
                await _holds.InsertOneAsync(s!, HoldDoc.For(ns, hold.LeaseId, snapshotter, name), cancellationToken: ct);
            if (leaseId is not null && holds.All(h => h.LeaseId != leaseId))
                await HoldAsync(s!, ns, leaseId, snapshotter, name, ct);
            await _outbox.AppendEventAsync(s, "snapshot", ns, $"{snapshotter}/{name}", makeEvent(record), ct);
            if (outcome?.Invoke(record) is { } recorded)
                await _outcomes.RecordAsync(s, recorded, ct);
            return record;
        }, cancellationToken);
        signal.Notify();
        return committed;
    }

    public Task<SnapshotRecord> UpdateLabelsAsync(string ns, string snapshotter, string key,
        Func<SnapshotRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var id = SnapshotId(ns, snapshotter, key);
            var stored = (await FindSnapshotAsync(s, id, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key)).ToRecord();
            var updated = stored with { Labels = apply(stored), UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1) };
            await _snapshots.UpdateOneAsync(s!, d => d.Id == id, Builders<SnapshotDoc>.Update
                .Set(d => d.Labels, Pair.From(updated.Labels)).Set(d => d.UpdatedAt, updated.UpdatedAt.UtcTicks), cancellationToken: ct);
            return updated;
        }, cancellationToken);

    public async Task<SnapshotRecord> RemoveSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset now,
        Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null)
    {
        var removed = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = SnapshotId(ns, snapshotter, key);
            var stored = await FindSnapshotAsync(s, id, ct) ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
            if (stored.Children > 0)
            {
                var children = await _snapshots.Find(s!, d => d.Namespace == ns && d.Snapshotter == snapshotter && d.Parent == key).Limit(5).ToListAsync(ct);
                throw ResourceErrors.HasChildren(snapshotter, key, children.Select(c => c.Key));
            }
            var owners = await OwnerNamesAsync(s, id, ct);
            owners.AddRange((await LiveHoldersAsync(s, id, now, ct)).Select(l => "lease " + l));
            owners.AddRange(await LabelledByAsync(s!, id, ct));
            if (owners.Count > 0)
                throw ResourceErrors.InUse(snapshotter, key, owners);
            await DeleteSnapshotAsync(s!, stored, ct);
            var record = stored.ToRecord();
            await _outbox.AppendEventAsync(s, "snapshot", ns, $"{snapshotter}/{key}", makeEvent(record), ct);
            if (outcome?.Invoke(record) is { } recorded)
                await _outcomes.RecordAsync(s, recorded, ct);
            return record;
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    public async Task<SnapshotRecord?> TryCollectSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset passStart,
        DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken)
    {
        var collected = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = SnapshotId(ns, snapshotter, key);
            var stored = await FindSnapshotAsync(s, id, ct);
            if (stored is null || stored.CreatedAt >= passStart.UtcTicks || stored.Labels.Any(l => l.K == GcLabels.Root)
                || stored.Refs > 0 || stored.Children > 0)
                return null;
            if (stored.Holds > 0 && (await LiveHoldersAsync(s, id, now, ct)).Count > 0)
                return null;
            // The counter makes a concurrent label edge conflict with this removal; the lookup covers an edge written
            // before the snapshot existed.
            if ((await LabelledByAsync(s!, id, ct)).Count > 0)
                return null;
            if (!await DeleteSnapshotAsync(s!, stored, ct))
                return null;
            var record = stored.ToRecord();
            await _outbox.AppendEventAsync(s, "snapshot", ns, $"{snapshotter}/{key}", makeEvent(record), ct);
            return record;
        }, cancellationToken);
        if (collected is not null)
            signal.Notify();
        return collected;
    }

    public async Task<(IReadOnlyList<SnapshotRecord> Page, string? After)> ListSnapshotsAsync(string ns, string snapshotter,
        FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var from = after ?? "";
        var page = new PageCollector<SnapshotRecord>(limit, r => filters.Match(new SnapshotFields(r)), r => r.Key);
        var f = Builders<SnapshotDoc>.Filter;
        using var cursor = await _snapshots.Find(f.Eq(d => d.Namespace, ns) & f.Eq(d => d.Snapshotter, snapshotter) & f.Gt(d => d.Key, from))
            .Sort(Builders<SnapshotDoc>.Sort.Ascending(d => d.Key)).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            if (!cursor.Current.All(document => page.Offer(document.ToRecord())))
                break;
        return (page.Items, page.After);
    }

    public Task AddReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, DateTimeOffset now,
        Guid? operationId, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var snapshotId = SnapshotId(ns, snapshotter, key);
            var refId = RefId(snapshotId, ownerKind, ownerId, generation);
            if (!await FirstApplicationAsync(s!, operationId, now, ct))
                return 0;
            var ticks = now.UtcTicks;
            // Holds are counted, one per commit that points the owner here (see SqliteResourceStore for the races).
            var renewed = await _refs.UpdateOneAsync(s!, d => d.Id == refId,
                Builders<RefDoc>.Update.Inc(d => d.Holds, 1).Set(d => d.CreatedAt, ticks), cancellationToken: ct);
            if (renewed.MatchedCount > 0)
                return 0;
            if (await CountAsync(s!, snapshotter, snapshotId, "refs", 1, ct) == 0)
                throw ResourceErrors.ResourceNotFound(ns, snapshotter, key);
            await _refs.InsertOneAsync(s!, new RefDoc
            {
                Id = refId, SnapshotId = snapshotId, Namespace = ns, Snapshotter = snapshotter, Key = key,
                OwnerKind = ownerKind, OwnerId = ownerId, Generation = generation, CreatedAt = ticks, Holds = 1,
            }, cancellationToken: ct);
            return 0;
        }, cancellationToken);

    public Task<bool> ReleaseReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation,
        Guid? operationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            if (!await FirstApplicationAsync(s!, operationId, now, ct))
                return false;
            var snapshotId = SnapshotId(ns, snapshotter, key);
            var refId = RefId(snapshotId, ownerKind, ownerId, generation);
            var reference = await _refs.FindOneAndUpdateAsync(s!, Builders<RefDoc>.Filter.Eq(d => d.Id, refId), Builders<RefDoc>.Update.Inc(d => d.Holds, -1),
                new FindOneAndUpdateOptions<RefDoc, RefDoc> { ReturnDocument = ReturnDocument.After }, ct);
            if (reference is null)
                return true;
            if (reference.Holds > 0)
                return false;
            await _refs.DeleteOneAsync(s!, d => d.Id == refId, cancellationToken: ct);
            await CountAsync(s!, snapshotter, snapshotId, "refs", -1, ct);
            return true;
        }, cancellationToken);

    public Task<bool> RemoveReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var snapshotId = SnapshotId(ns, snapshotter, key);
            var refId = RefId(snapshotId, ownerKind, ownerId, generation);
            var deleted = await _refs.DeleteOneAsync(s!, d => d.Id == refId, cancellationToken: ct);
            if (deleted.DeletedCount == 0)
                return false;
            await CountAsync(s!, snapshotter, snapshotId, "refs", -1, ct);
            return true;
        }, cancellationToken);

    public async Task<int> ForgetOperationsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ticks = before.UtcTicks;
        return (int)(await _applied.DeleteManyAsync(d => d.AppliedAt < ticks, cancellationToken)).DeletedCount;
    }

    public async Task<IReadOnlyList<ReferenceRecord>> ReferencesAsync(string ownerKind, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ticks = before.UtcTicks;
        return (await _refs.Find(d => d.OwnerKind == ownerKind && d.CreatedAt < ticks).ToListAsync(cancellationToken)).Select(d => d.ToRecord()).ToList();
    }

    public async Task<LeaseRecord> CreateLeaseAsync(LeaseRecord lease, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.WriteAsync(async (s, ct) =>
            {
                await _leases.InsertOneAsync(s!, LeaseDoc.From(lease), cancellationToken: ct);
                await _outbox.AppendEventAsync(s, "lease", lease.Namespace, lease.Id, makeEvent, ct);
                return 0;
            }, cancellationToken);
        }
        catch (MongoException e) when (e is MongoWriteException { WriteError.Category: ServerErrorCategory.DuplicateKey } or MongoCommandException { Code: 11000 })
        {
            throw ResourceErrors.LeaseExists(lease.Namespace, lease.Id);
        }
        signal.Notify();
        return lease;
    }

    public async Task<(LeaseRecord Lease, IReadOnlyList<LeaseResourceRecord> Held)> DeleteLeaseAsync(string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var result = await _outbox.WriteAsync(async (s, ct) =>
        {
            var leaseKey = LeaseKey(ns, id);
            var lease = await _leases.Find(s!, d => d.Id == leaseKey).FirstOrDefaultAsync(ct) ?? throw ResourceErrors.LeaseNotFound(ns, id);
            var holds = await _holds.Find(s!, d => d.LeaseKey == leaseKey).ToListAsync(ct);
            foreach (var hold in holds)
                await UnholdAsync(s!, hold, ct);
            await _leases.DeleteOneAsync(s!, d => d.Id == leaseKey, cancellationToken: ct);
            await _outbox.AppendEventAsync(s, "lease", ns, id, makeEvent, ct);
            return (lease.ToRecord(), (IReadOnlyList<LeaseResourceRecord>)holds.Select(h => h.ToRecord()).ToList());
        }, cancellationToken);
        signal.Notify();
        return result;
    }

    public async Task<IReadOnlyList<LeaseRecord>> ListLeasesAsync(string? ns, CancellationToken cancellationToken)
    {
        var filter = ns is null ? FilterDefinition<LeaseDoc>.Empty : Builders<LeaseDoc>.Filter.Eq(d => d.Namespace, ns);
        return (await _leases.Find(filter).Sort(Builders<LeaseDoc>.Sort.Ascending(d => d.Id)).ToListAsync(cancellationToken)).Select(d => d.ToRecord()).ToList();
    }

    public Task<IReadOnlyList<LeaseResourceRecord>> ChangeLeaseResourceAsync(string ns, string leaseId, string snapshotter, string key, bool add, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var leaseKey = LeaseKey(ns, leaseId);
            if (!await _leases.Find(s!, d => d.Id == leaseKey).AnyAsync(ct))
                throw ResourceErrors.LeaseNotFound(ns, leaseId);
            if (add)
            {
                if (!await ResourceExistsAsync(s!, ns, snapshotter, key, ct))
                    throw ResourceErrors.ResourceNotFound(ns, snapshotter, key);
                await HoldAsync(s!, ns, leaseId, snapshotter, key, ct);
            }
            else
            {
                var holdId = HoldDoc.For(ns, leaseId, snapshotter, key).Id;
                if (await _holds.Find(s!, d => d.Id == holdId).FirstOrDefaultAsync(ct) is { } hold)
                    await UnholdAsync(s!, hold, ct);
            }
            return (IReadOnlyList<LeaseResourceRecord>)(await _holds.Find(s!, d => d.LeaseKey == leaseKey).ToListAsync(ct)).Select(h => h.ToRecord()).OrderBy(h => h.Snapshotter).ThenBy(h => h.Key).ToList();
        }, cancellationToken);

    public async Task<IReadOnlyList<LeaseResourceRecord>> ListLeaseResourcesAsync(string ns, string leaseId, CancellationToken cancellationToken)
    {
        var leaseKey = LeaseKey(ns, leaseId);
        if (!await _leases.Find(d => d.Id == leaseKey).AnyAsync(cancellationToken))
            throw ResourceErrors.LeaseNotFound(ns, leaseId);
        return (await _holds.Find(d => d.LeaseKey == leaseKey).ToListAsync(cancellationToken)).Select(h => h.ToRecord()).OrderBy(h => h.Snapshotter).ThenBy(h => h.Key).ToList();
    }

    public Task<ResourceGraph> LoadGraphAsync(CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) => new ResourceGraph(
            (await _snapshots.Find(s!, FilterDefinition<SnapshotDoc>.Empty).ToListAsync(ct)).Select(d => d.ToRecord()).ToList(),
            (await _refs.Find(s!, FilterDefinition<RefDoc>.Empty).ToListAsync(ct)).Select(d => d.ToRecord()).ToList(),
            (await _leases.Find(s!, FilterDefinition<LeaseDoc>.Empty).ToListAsync(ct)).Select(d => d.ToRecord()).ToList(),
            (await _holds.Find(s!, FilterDefinition<HoldDoc>.Empty).ToListAsync(ct)).Select(d => d.ToRecord()).ToList())
        {
            Contents = (await _content.Find(s!, FilterDefinition<ContentDoc>.Empty).ToListAsync(ct)).Select(d => d.ToRecord()).ToList(),
        }, cancellationToken);

    public async Task AppendEventAsync(string kind, string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        await _outbox.WriteAsync(async (s, ct) =>
        {
            await _outbox.AppendEventAsync(s, kind, ns, id, makeEvent, ct);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) => _outbox.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) => _outbox.MarkPublishedAsync(records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        _outbox.History.ReadAsync(after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        _outbox.History.FindAsync(eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        _outbox.History.PruneAsync(olderThan, keepAtMost, cancellationToken);

    /// <summary>Deletes a snapshot document only if its counters are still as read; releases its parent and its lease holds.</summary>
    private async Task<bool> DeleteSnapshotAsync(IClientSessionHandle s, SnapshotDoc stored, CancellationToken ct)
    {
        var deleted = await _snapshots.DeleteOneAsync(s, d => d.Id == stored.Id && d.Refs == 0 && d.Children == 0 && d.Holds == stored.Holds && d.Labelled <= 0,
            cancellationToken: ct);
        if (deleted.DeletedCount == 0)
            return false;
        await _holds.DeleteManyAsync(s, d => d.SnapshotId == stored.Id, cancellationToken: ct);
        if (stored.Parent is not null)
        {
            var parentId = SnapshotId(stored.Namespace, stored.Snapshotter, stored.Parent);
            await _snapshots.UpdateOneAsync(s, d => d.Id == parentId, Builders<SnapshotDoc>.Update.Inc(d => d.Children, -1), cancellationToken: ct);
        }
        return true;
    }

    private async Task HoldAsync(IClientSessionHandle s, string ns, string leaseId, string snapshotter, string key, CancellationToken ct)
    {
        var leaseKey = LeaseKey(ns, leaseId);
        if (!await _leases.Find(s, d => d.Id == leaseKey).AnyAsync(ct))
            throw ResourceErrors.LeaseNotFound(ns, leaseId);
        var hold = HoldDoc.For(ns, leaseId, snapshotter, key);
        if (await _holds.Find(s, d => d.Id == hold.Id).AnyAsync(ct))
            return;
        await _holds.InsertOneAsync(s, hold, cancellationToken: ct);
        await CountAsync(s, snapshotter, hold.SnapshotId, "holds", 1, ct);
    }

    private async Task UnholdAsync(IClientSessionHandle s, HoldDoc hold, CancellationToken ct)
    {
        await _holds.DeleteOneAsync(s, d => d.Id == hold.Id, cancellationToken: ct);
        await CountAsync(s, hold.Snapshotter, hold.SnapshotId, "holds", -1, ct);
    }

    private async Task<List<string>> LiveHoldersAsync(IClientSessionHandle? s, string snapshotId, DateTimeOffset now, CancellationToken ct)
    {
        var holds = await _holds.Find(s!, d => d.SnapshotId == snapshotId).ToListAsync(ct);
        var keys = holds.Select(h => h.LeaseKey).ToList();
        var ticks = now.UtcTicks;
        var live = await _leases.Find(s!, d => keys.Contains(d.Id) && (d.ExpiresAt == null || d.ExpiresAt > ticks)).ToListAsync(ct);
        return live.Select(l => l.LeaseId).ToList();
    }

    /// <summary>Records that an operation was applied; false when it already was (a redelivery). No id: always true.</summary>
    private async Task<bool> FirstApplicationAsync(IClientSessionHandle s, Guid? operationId, DateTimeOffset now, CancellationToken ct)
    {
        if (operationId is not { } id || id == Guid.Empty)
            return true;
        var key = id.ToString("N");
        if (await _applied.Find(s, d => d.Id == key).AnyAsync(ct))
            return false;
        await _applied.InsertOneAsync(s, new AppliedDoc { Id = key, AppliedAt = now.UtcTicks }, cancellationToken: ct);
        return true;
    }

    private async Task<List<string>> OwnerNamesAsync(IClientSessionHandle? s, string snapshotId, CancellationToken ct) =>
        (await _refs.Find(s!, d => d.SnapshotId == snapshotId).ToListAsync(ct)).Select(r => $"{r.OwnerKind} {r.OwnerId}").ToList();

    private Task<SnapshotDoc?> FindSnapshotAsync(IClientSessionHandle? s, string id, CancellationToken ct) =>
        (s is null ? _snapshots.Find(d => d.Id == id) : _snapshots.Find(s, d => d.Id == id)).FirstOrDefaultAsync(ct)!;

    // Namespaces and snapshotters never contain '/', so the key (which may) can safely come last. Content uses the same
    // scheme with the space "content" in the snapshotter's place: references and holds name both kinds alike.
    private static string SnapshotId(string ns, string snapshotter, string key) => $"{ns}/{snapshotter}/{key}";

    private static string RefId(string snapshotId, string ownerKind, string ownerId, long generation) => $"{ownerKind}/{ownerId}/{generation}/{snapshotId}";

    private static string LeaseKey(string ns, string id) => $"{ns}/{id}";

    internal sealed class Pair
    {
        [BsonElement("k")] public string K { get; set; } = "";
        [BsonElement("v")] public string V { get; set; } = "";

        public static List<Pair> From(IReadOnlyDictionary<string, string> labels) => labels.Select(kv => new Pair { K = kv.Key, V = kv.Value }).ToList();
    }

    internal sealed class SnapshotDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("snapshotter")] public string Snapshotter { get; set; } = "";
        [BsonElement("key")] public string Key { get; set; } = "";
        [BsonElement("dirId")] public long DirId { get; set; }
        [BsonElement("kind")] public SnapshotKind Kind { get; set; }
        [BsonElement("parent")] public string? Parent { get; set; }
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("refs")] public int Refs { get; set; }
        [BsonElement("children")] public int Children { get; set; }
        [BsonElement("holds")] public int Holds { get; set; }

        /// <summary>How many content label edges point here (absent in documents written before content existed: 0).</summary>
        [BsonElement("labelled")] public int Labelled { get; set; }

        public static SnapshotDoc From(SnapshotRecord r) => new()
        {
            Id = SnapshotId(r.Namespace, r.Snapshotter, r.Key), Namespace = r.Namespace, Snapshotter = r.Snapshotter, Key = r.Key,
            DirId = r.DirId, Kind = r.Kind, Parent = r.Parent, Labels = Pair.From(r.Labels), CreatedAt = r.CreatedAt.UtcTicks, UpdatedAt = r.UpdatedAt.UtcTicks,
        };

        public SnapshotRecord ToRecord() => new(Namespace, Snapshotter, Key, DirId, Kind, Parent, Labels.ToDictionary(p => p.K, p => p.V),
            new DateTimeOffset(CreatedAt, TimeSpan.Zero), new DateTimeOffset(UpdatedAt, TimeSpan.Zero));
    }

    internal sealed class RefDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("snapshotId")] public string SnapshotId { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("snapshotter")] public string Snapshotter { get; set; } = "";
        [BsonElement("key")] public string Key { get; set; } = "";
        [BsonElement("ownerKind")] public string OwnerKind { get; set; } = "";
        [BsonElement("ownerId")] public string OwnerId { get; set; } = "";
        [BsonElement("generation")] public long Generation { get; set; }
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("holds")] public int Holds { get; set; } = 1;

        public ReferenceRecord ToRecord() => new(Namespace, Snapshotter, Key, OwnerKind, OwnerId, Generation, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }

    internal sealed class LeaseDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("leaseId")] public string LeaseId { get; set; } = "";
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("expiresAt")] public long? ExpiresAt { get; set; }

        public static LeaseDoc From(LeaseRecord l) => new()
        {
            Id = LeaseKey(l.Namespace, l.Id), Namespace = l.Namespace, LeaseId = l.Id, Labels = Pair.From(l.Labels),
            CreatedAt = l.CreatedAt.UtcTicks, ExpiresAt = l.ExpiresAt?.UtcTicks,
        };

        public LeaseRecord ToRecord() => new(Namespace, LeaseId, Labels.ToDictionary(p => p.K, p => p.V), new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            ExpiresAt is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : null);
    }

    internal sealed class HoldDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("leaseKey")] public string LeaseKey { get; set; } = "";
        [BsonElement("snapshotId")] public string SnapshotId { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("leaseId")] public string LeaseId { get; set; } = "";
        [BsonElement("snapshotter")] public string Snapshotter { get; set; } = "";
        [BsonElement("key")] public string Key { get; set; } = "";

        public static HoldDoc For(string ns, string leaseId, string snapshotter, string key) => new()
        {
            Id = $"{ns}/{leaseId}/{snapshotter}/{key}", LeaseKey = MongoResourceStore.LeaseKey(ns, leaseId), SnapshotId = SnapshotId(ns, snapshotter, key),
            Namespace = ns, LeaseId = leaseId, Snapshotter = snapshotter, Key = key,
        };

        public LeaseResourceRecord ToRecord() => new(Namespace, LeaseId, Snapshotter, Key);
    }

    internal sealed class CounterDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("last")] public long Last { get; set; }
    }

    internal sealed class AppliedDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("appliedAt")] public long AppliedAt { get; set; }
    }

    internal sealed class DirDoc
    {
        [BsonId] public long Id { get; set; }
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
    }
}
