using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
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
/// The resource GC service's embedded store: snapshot records, references, leases and the outbox in one
/// SQLite file. SQLite runs one write transaction at a time, so every check-then-write below (a parent still
/// exists, nothing references a snapshot) holds at the moment of the write: that is the precondition the
/// collector relies on instead of a global lock.
/// </summary>
public sealed partial class SqliteResourceStore(SqliteDatabase database, OutboxSignal signal)
    : IResourceStore, IOutboxStore, IEventHistoryStore, IInitializableStore, IAsyncDisposable
{
    private const string SnapshotColumns = "namespace, snapshotter, key, dir_id, kind, parent, labels, created_at, updated_at";

    public string Name => "resources";

    public ICommandOutcomeStore Outcomes { get; } = new SqliteCommandOutcomes(database, ResourceDatabase.Name);

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await SqliteDatabase.ExecuteAsync(c, """
                CREATE TABLE IF NOT EXISTS snapshots (
                    namespace   TEXT NOT NULL,
                    snapshotter TEXT NOT NULL,
                    key         TEXT NOT NULL,
                    dir_id      INTEGER NOT NULL UNIQUE,
                    kind        INTEGER NOT NULL,
                    parent      TEXT,
                    labels      TEXT NOT NULL,
                    created_at  INTEGER NOT NULL,
                    updated_at  INTEGER NOT NULL,
                    PRIMARY KEY (namespace, snapshotter, key)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS snapshots_parent ON snapshots (namespace, snapshotter, parent);
                CREATE TABLE IF NOT EXISTS dir_ids (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS refs (
                    namespace   TEXT NOT NULL,
                    snapshotter TEXT NOT NULL,
                    key         TEXT NOT NULL,
                    owner_kind  TEXT NOT NULL,
                    owner_id    TEXT NOT NULL,
                    generation  INTEGER NOT NULL,
                    created_at  INTEGER NOT NULL,
                    holds       INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY (namespace, snapshotter, key, owner_kind, owner_id, generation)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS applied_operations (
                    id         TEXT PRIMARY KEY,
                    applied_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS applied_operations_at ON applied_operations (applied_at);
                CREATE TABLE IF NOT EXISTS leases (
                    namespace  TEXT NOT NULL,
                    id         TEXT NOT NULL,
                    labels     TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    PRIMARY KEY (namespace, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS lease_resources (
                    namespace   TEXT NOT NULL,
                    lease_id    TEXT NOT NULL,
                    snapshotter TEXT NOT NULL,
                    key         TEXT NOT NULL,
                    PRIMARY KEY (namespace, lease_id, snapshotter, key)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS lease_resources_key ON lease_resources (namespace, snapshotter, key);
                """ + ContentSchema + VolumeSchema + SqliteOutbox.Schema + SqliteCommandOutcomes.Schema, cancellationToken, t);
            await SqliteOutbox.MigrateAsync(c, t, cancellationToken);
            // Files written before references were counted lack the column; each of their rows is one hold.
            await using (var columns = Command(c, t, "SELECT COUNT(*) FROM pragma_table_info('refs') WHERE name = 'holds';"))
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(c, "ALTER TABLE refs ADD COLUMN holds INTEGER NOT NULL DEFAULT 1;", cancellationToken, t);
            return 0;
        }, cancellationToken);

    /// <summary>
    /// A new folder id, recorded with its allocation time so a folder on disk with no snapshot record can be
    /// told apart from one whose record is about to be written (the sweep only removes old enough ones).
    /// </summary>
    public Task<long> AllocateDirIdAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var command = Command(c, t, "INSERT INTO dir_ids (created_at) VALUES ($now) RETURNING id;");
            command.Parameters.AddWithValue("$now", now.UtcTicks);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    /// <summary>When folder <paramref name="dirId"/> was allocated, or null if it never was.</summary>
    public async Task<Dictionary<long, DateTimeOffset>> DirAllocationsAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT id, created_at FROM dir_ids;");
        var result = new Dictionary<long, DateTimeOffset>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            result[r.GetInt64(0)] = new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero);
        return result;
    }

    public async Task<SnapshotRecord?> GetSnapshotAsync(string ns, string snapshotter, string key, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        return await GetSnapshotAsync(c, null, ns, snapshotter, key, cancellationToken);
    }

    /// <summary>
    /// Inserts a new snapshot after checking, in the same transaction, that its key is free, its parent exists
    /// and is committed, and its lease (if any) exists.
    /// </summary>
    public async Task InsertSnapshotAsync(SnapshotRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        await database.WriteAsync(async (c, t) =>
        {
            if (await GetSnapshotAsync(c, t, record.Namespace, record.Snapshotter, record.Key, cancellationToken) is not null)
                throw ResourceErrors.SnapshotExists(record.Namespace, record.Snapshotter, record.Key);
            if (record.Parent is not null)
            {
                var parent = await GetSnapshotAsync(c, t, record.Namespace, record.Snapshotter, record.Parent, cancellationToken)
                    ?? throw ResourceErrors.ParentNotFound(record.Namespace, record.Snapshotter, record.Parent);
                if (parent.Kind != SnapshotKind.Committed)
                    throw ResourceErrors.ParentNotCommitted(record.Snapshotter, record.Parent, parent.Kind);
            }
            await using (var insert = Command(c, t, $"INSERT INTO snapshots ({SnapshotColumns}) VALUES ($ns, $sn, $key, $dir, $kind, $parent, $labels, $created, $updated);"))
            {
                BindSnapshot(insert, record);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            if (leaseId is not null)
                await AddLeaseResourceAsync(c, t, record.Namespace, leaseId, record.Snapshotter, record.Key, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "snapshot", record.Namespace, $"{record.Snapshotter}/{record.Key}", makeEvent, cancellationToken);
            if (outcome is not null)
                await SqliteCommandOutcomes.RecordAsync(c, t, outcome, cancellationToken);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    /// <summary>Turns active <paramref name="key"/> into committed <paramref name="name"/>, same folder and parent.</summary>
    public async Task<SnapshotRecord> CommitSnapshotAsync(string ns, string snapshotter, string key, string name,
        IReadOnlyDictionary<string, string>? labels, string? leaseId, DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent,
        CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null)
    {
        var committed = await database.WriteAsync(async (c, t) =>
        {
            var active = await GetSnapshotAsync(c, t, ns, snapshotter, key, cancellationToken)
                ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
            if (active.Kind != SnapshotKind.Active)
                throw ResourceErrors.NotActive(snapshotter, key, active.Kind);
            if (await GetSnapshotAsync(c, t, ns, snapshotter, name, cancellationToken) is not null)
                throw ResourceErrors.SnapshotExists(ns, snapshotter, name);
            // Only owners block a commit: a lease that holds the active snapshot (the usual prepare, unpack, commit
            // under one lease) moves to the committed one below.
            var owners = await OwnersAsync(c, t, ns, snapshotter, key, now, cancellationToken, includeLeases: false);
            if (owners.Count > 0)
                throw ResourceErrors.CommittedWhileUsed(snapshotter, key, owners);
            var record = active with { Key = name, Kind = SnapshotKind.Committed, Labels = labels ?? active.Labels, UpdatedAt = now };
            await using (var update = Command(c, t, "UPDATE snapshots SET key = $name, kind = $kind, labels = $labels, updated_at = $updated WHERE namespace = $ns AND snapshotter = $sn AND key = $key;"))
            {
                update.Parameters.AddWithValue("$name", name);
                update.Parameters.AddWithValue("$kind", (int)SnapshotKind.Committed);
                update.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(record.Labels));
                update.Parameters.AddWithValue("$updated", now.UtcTicks);
                AddKey(update, ns, snapshotter, key);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            // A lease that held the active key holds the committed snapshot now.
            await using (var moveLeases = Command(c, t, "UPDATE OR IGNORE lease_resources SET key = $name WHERE namespace = $ns AND snapshotter = $sn AND key = $key; DELETE FROM lease_resources WHERE namespace = $ns AND snapshotter = $sn AND key = $key;"))
            {
                moveLeases.Parameters.AddWithValue("$name", name);
                AddKey(moveLeases, ns, snapshotter, key);
                await moveLeases.ExecuteNonQueryAsync(cancellationToken);
            }
            if (leaseId is not null)
                await AddLeaseResourceAsync(c, t, ns, leaseId, snapshotter, name, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "snapshot", ns, $"{snapshotter}/{name}", makeEvent(record), cancellationToken);
            if (outcome?.Invoke(record) is { } recorded)
                await SqliteCommandOutcomes.RecordAsync(c, t, recorded, cancellationToken);
            return record;
        }, cancellationToken);
        signal.Notify();
        return committed;
    }

    public async Task<SnapshotRecord> UpdateLabelsAsync(string ns, string snapshotter, string key,
        Func<SnapshotRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetSnapshotAsync(c, t, ns, snapshotter, key, cancellationToken) ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
            var updated = stored with { Labels = apply(stored), UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1) };
            await using var update = Command(c, t, "UPDATE snapshots SET labels = $labels, updated_at = $updated WHERE namespace = $ns AND snapshotter = $sn AND key = $key;");
            update.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(updated.Labels));
            update.Parameters.AddWithValue("$updated", updated.UpdatedAt.UtcTicks);
            AddKey(update, ns, snapshotter, key);
            await update.ExecuteNonQueryAsync(cancellationToken);
            return updated;
        }, cancellationToken);

    /// <summary>
    /// A user's removal: refused while the snapshot has children, references or a live lease holding it.
    /// The record goes now; the caller removes the folder afterwards.
    /// </summary>
    public async Task<SnapshotRecord> RemoveSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset now,
        Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null)
    {
        var removed = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetSnapshotAsync(c, t, ns, snapshotter, key, cancellationToken) ?? throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
            var children = await ChildrenAsync(c, t, ns, snapshotter, key, cancellationToken);
            if (children.Count > 0)
                throw ResourceErrors.HasChildren(snapshotter, key, children);
            var owners = await OwnersAsync(c, t, ns, snapshotter, key, now, cancellationToken);
            owners.AddRange(await LabelledByAsync(c, t, ns, snapshotter, key, cancellationToken));
            if (owners.Count > 0)
                throw ResourceErrors.InUse(snapshotter, key, owners);
            await DeleteSnapshotRowsAsync(c, t, ns, snapshotter, key, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "snapshot", ns, $"{snapshotter}/{key}", makeEvent(stored), cancellationToken);
            if (outcome?.Invoke(stored) is { } recorded)
                await SqliteCommandOutcomes.RecordAsync(c, t, recorded, cancellationToken);
            return stored;
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    /// <summary>
    /// The collector's removal, with its precondition checked in the same transaction: the snapshot was created
    /// before <paramref name="passStart"/>, and nothing references it, no snapshot is its child, no live lease
    /// holds it and it is not labelled a root. Returns null (removing nothing) when any of that fails.
    /// </summary>
    public async Task<SnapshotRecord?> TryCollectSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset passStart,
        DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken)
    {
        var collected = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetSnapshotAsync(c, t, ns, snapshotter, key, cancellationToken);
            if (stored is null || stored.CreatedAt >= passStart || stored.Labels.ContainsKey(GcLabels.Root))
                return null;
            if ((await ChildrenAsync(c, t, ns, snapshotter, key, cancellationToken)).Count > 0)
                return null;
            if ((await OwnersAsync(c, t, ns, snapshotter, key, now, cancellationToken)).Count > 0)
                return null;
            // An unpacked image's chain is kept by its config's platform.io/gc.ref.snapshot label.
            if ((await LabelledByAsync(c, t, ns, snapshotter, key, cancellationToken)).Count > 0)
                return null;
            await DeleteSnapshotRowsAsync(c, t, ns, snapshotter, key, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "snapshot", ns, $"{snapshotter}/{key}", makeEvent(stored), cancellationToken);
            return stored;
        }, cancellationToken);
        if (collected is not null)
            signal.Notify();
        return collected;
    }

    public async Task<(IReadOnlyList<SnapshotRecord> Page, string? After)> ListSnapshotsAsync(string ns, string snapshotter,
        FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var page = new List<SnapshotRecord>();
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, $"SELECT {SnapshotColumns} FROM snapshots WHERE namespace = $ns AND snapshotter = $sn AND key > $after ORDER BY key;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$sn", snapshotter);
        command.Parameters.AddWithValue("$after", after ?? "");
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var record = ReadSnapshot(r);
            if (!filters.Match(new SnapshotFields(record)))
                continue;
            if (page.Count == limit)
                return (page, page[^1].Key);
            page.Add(record);
        }
        return (page, null);
    }

    /// <summary>
    /// Adds one hold of an owner on a snapshot; NotFound when the snapshot does not exist (at this moment).
    /// Holds are counted, not a set: the metadata service adds a hold before each commit that points a container
    /// at a snapshot and gives one back for each commit that points it away (or that failed), and those arrive
    /// in any order. With a set, a container moved A→B→A lost its reference on A when the first move's release
    /// came after the second move's add, and two racing moves to the same snapshot lost it when the loser's
    /// compensation removed the winner's reference. <paramref name="operationId"/> (the message id) makes a
    /// redelivered request count once.
    /// </summary>
    public Task AddReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, DateTimeOffset now,
        Guid? operationId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            if (!await ResourceExistsAsync(c, t, ns, snapshotter, key, cancellationToken))
                throw ResourceErrors.ResourceNotFound(ns, snapshotter, key);
            if (!await FirstApplicationAsync(c, t, operationId, now, cancellationToken))
                return 0;
            await using var insert = Command(c, t, """
                INSERT INTO refs (namespace, snapshotter, key, owner_kind, owner_id, generation, created_at, holds) VALUES ($ns, $sn, $key, $ok, $oid, $gen, $now, 1)
                ON CONFLICT (namespace, snapshotter, key, owner_kind, owner_id, generation) DO UPDATE SET holds = holds + 1, created_at = excluded.created_at;
                """);
            insert.Parameters.AddWithValue("$gen", generation);
            AddKey(insert, ns, snapshotter, key);
            insert.Parameters.AddWithValue("$ok", ownerKind);
            insert.Parameters.AddWithValue("$oid", ownerId);
            insert.Parameters.AddWithValue("$now", now.UtcTicks);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Gives back one hold of an owner (a move away from the snapshot, or a commit that failed); the reference
    /// goes with its last hold. A repeated <paramref name="operationId"/> changes nothing and returns false (the first
    /// delivery did the work); otherwise true when the owner no longer references the snapshot.
    /// </summary>
    public Task<bool> ReleaseReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation,
        Guid? operationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            if (!await FirstApplicationAsync(c, t, operationId, now, cancellationToken))
                return false;
            await using var release = Command(c, t, """
                UPDATE refs SET holds = holds - 1 WHERE namespace = $ns AND snapshotter = $sn AND key = $key AND owner_kind = $ok AND owner_id = $oid AND generation = $gen;
                DELETE FROM refs WHERE namespace = $ns AND snapshotter = $sn AND key = $key AND owner_kind = $ok AND owner_id = $oid AND generation = $gen AND holds <= 0;
                SELECT COUNT(*) FROM refs WHERE namespace = $ns AND snapshotter = $sn AND key = $key AND owner_kind = $ok AND owner_id = $oid AND generation = $gen;
                """);
            release.Parameters.AddWithValue("$gen", generation);
            AddKey(release, ns, snapshotter, key);
            release.Parameters.AddWithValue("$ok", ownerKind);
            release.Parameters.AddWithValue("$oid", ownerId);
            return (long)(await release.ExecuteScalarAsync(cancellationToken))! == 0;
        }, cancellationToken);

    /// <summary>Forgets operation ids older than <paramref name="before"/>: a duplicate later than that is no longer recognised.</summary>
    public Task<int> ForgetOperationsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var delete = Command(c, t, "DELETE FROM applied_operations WHERE applied_at < $before;");
            delete.Parameters.AddWithValue("$before", before.UtcTicks);
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Drops an owner's reference with all its holds (the owner is gone); true when there was one.</summary>
    public Task<bool> RemoveReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var delete = Command(c, t, "DELETE FROM refs WHERE namespace = $ns AND snapshotter = $sn AND key = $key AND owner_kind = $ok AND owner_id = $oid AND generation = $gen;");
            delete.Parameters.AddWithValue("$gen", generation);
            AddKey(delete, ns, snapshotter, key);
            delete.Parameters.AddWithValue("$ok", ownerKind);
            delete.Parameters.AddWithValue("$oid", ownerId);
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    /// <summary>References of one kind of owner created before <paramref name="before"/> (for the owner check of a pass).</summary>
    public async Task<IReadOnlyList<ReferenceRecord>> ReferencesAsync(string ownerKind, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT namespace, snapshotter, key, owner_kind, owner_id, generation, created_at FROM refs WHERE owner_kind = $ok AND created_at < $before;");
        command.Parameters.AddWithValue("$ok", ownerKind);
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        var result = new List<ReferenceRecord>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            result.Add(ReadReference(r));
        return result;
    }

    public async Task<LeaseRecord> CreateLeaseAsync(LeaseRecord lease, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (c, t) =>
        {
            if (await GetLeaseAsync(c, t, lease.Namespace, lease.Id, cancellationToken) is not null)
                throw ResourceErrors.LeaseExists(lease.Namespace, lease.Id);
            await using var insert = Command(c, t, "INSERT INTO leases (namespace, id, labels, created_at, expires_at) VALUES ($ns, $id, $labels, $created, $expires);");
            insert.Parameters.AddWithValue("$ns", lease.Namespace);
            insert.Parameters.AddWithValue("$id", lease.Id);
            insert.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(lease.Labels));
            insert.Parameters.AddWithValue("$created", lease.CreatedAt.UtcTicks);
            insert.Parameters.AddWithValue("$expires", (object?)lease.ExpiresAt?.UtcTicks ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "lease", lease.Namespace, lease.Id, makeEvent, cancellationToken);
            return 0;
        }, cancellationToken);
        signal.Notify();
        return lease;
    }

    /// <summary>Deletes a lease and what it held (the snapshots stay, unprotected); returns it and its resources.</summary>
    public async Task<(LeaseRecord Lease, IReadOnlyList<LeaseResourceRecord> Held)> DeleteLeaseAsync(string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (c, t) =>
        {
            var lease = await GetLeaseAsync(c, t, ns, id, cancellationToken) ?? throw ResourceErrors.LeaseNotFound(ns, id);
            var held = await LeaseResourcesAsync(c, t, ns, id, cancellationToken);
            await using (var delete = Command(c, t, "DELETE FROM lease_resources WHERE namespace = $ns AND lease_id = $id; DELETE FROM leases WHERE namespace = $ns AND id = $id;"))
            {
                delete.Parameters.AddWithValue("$ns", ns);
                delete.Parameters.AddWithValue("$id", id);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            await SqliteOutbox.AppendEventAsync(c, t, "lease", ns, id, makeEvent, cancellationToken);
            return (lease, held);
        }, cancellationToken);
        signal.Notify();
        return result;
    }

    public async Task<IReadOnlyList<LeaseRecord>> ListLeasesAsync(string? ns, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT namespace, id, labels, created_at, expires_at FROM leases WHERE ($ns IS NULL OR namespace = $ns) ORDER BY namespace, id;");
        command.Parameters.AddWithValue("$ns", (object?)ns ?? DBNull.Value);
        var result = new List<LeaseRecord>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            result.Add(ReadLease(r));
        return result;
    }

    public Task<IReadOnlyList<LeaseResourceRecord>> ChangeLeaseResourceAsync(string ns, string leaseId, string snapshotter, string key, bool add, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            _ = await GetLeaseAsync(c, t, ns, leaseId, cancellationToken) ?? throw ResourceErrors.LeaseNotFound(ns, leaseId);
            if (add)
            {
                if (!await ResourceExistsAsync(c, t, ns, snapshotter, key, cancellationToken))
                    throw ResourceErrors.ResourceNotFound(ns, snapshotter, key);
                await AddLeaseResourceAsync(c, t, ns, leaseId, snapshotter, key, cancellationToken);
            }
            else
            {
                await using var delete = Command(c, t, "DELETE FROM lease_resources WHERE namespace = $ns AND lease_id = $lease AND snapshotter = $sn AND key = $key;");
                AddKey(delete, ns, snapshotter, key);
                delete.Parameters.AddWithValue("$lease", leaseId);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            return await LeaseResourcesAsync(c, t, ns, leaseId, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<LeaseResourceRecord>> ListLeaseResourcesAsync(string ns, string leaseId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        _ = await GetLeaseAsync(c, null, ns, leaseId, cancellationToken) ?? throw ResourceErrors.LeaseNotFound(ns, leaseId);
        return await LeaseResourcesAsync(c, null, ns, leaseId, cancellationToken);
    }

    /// <summary>The whole graph in one read transaction: a consistent picture for marking and explaining.</summary>
    public async Task<ResourceGraph> LoadGraphAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken);
        var snapshots = new List<SnapshotRecord>();
        await using (var command = Command(c, transaction, $"SELECT {SnapshotColumns} FROM snapshots;"))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                snapshots.Add(ReadSnapshot(r));
        var references = new List<ReferenceRecord>();
        await using (var command = Command(c, transaction, "SELECT namespace, snapshotter, key, owner_kind, owner_id, generation, created_at FROM refs;"))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                references.Add(ReadReference(r));
        var leases = new List<LeaseRecord>();
        await using (var command = Command(c, transaction, "SELECT namespace, id, labels, created_at, expires_at FROM leases;"))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                leases.Add(ReadLease(r));
        var held = new List<LeaseResourceRecord>();
        await using (var command = Command(c, transaction, "SELECT namespace, lease_id, snapshotter, key FROM lease_resources;"))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                held.Add(new LeaseResourceRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        var contents = new List<ContentRecord>();
        await using (var command = Command(c, transaction, $"SELECT {ContentColumns} FROM content;"))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                contents.Add(ReadContent(r));
        return new ResourceGraph(snapshots, references, leases, held) { Contents = contents };
    }

    /// <summary>Stores an event that is not part of another change (a collection pass's summary).</summary>
    public async Task AppendEventAsync(string kind, string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (c, t) =>
        {
            await SqliteOutbox.AppendEventAsync(c, t, kind, ns, id, makeEvent, cancellationToken);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        SqliteOutbox.ReadPendingAsync(database, max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        SqliteOutbox.MarkPublishedAsync(database, records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        SqliteEventHistory.ReadAsync(database, after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        SqliteEventHistory.FindAsync(database, eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        SqliteEventHistory.PruneAsync(database, olderThan, keepAtMost, cancellationToken);

    public ValueTask DisposeAsync() => database.DisposeAsync();

    /// <summary>Who keeps a snapshot from removal: owners' references and (unless told not to) live leases, as readable names.</summary>
    private static async Task<List<string>> OwnersAsync(SqliteConnection c, SqliteTransaction? t, string ns, string snapshotter, string key, DateTimeOffset now,
        CancellationToken ct, bool includeLeases = true)
    {
        var owners = new List<string>();
        await using var command = Command(c, t, """
            SELECT owner_kind || ' ' || owner_id FROM refs WHERE namespace = $ns AND snapshotter = $sn AND key = $key
            UNION ALL
            SELECT 'lease ' || l.id FROM lease_resources lr JOIN leases l ON l.namespace = lr.namespace AND l.id = lr.lease_id
            WHERE $leases AND lr.namespace = $ns AND lr.snapshotter = $sn AND lr.key = $key AND (l.expires_at IS NULL OR l.expires_at > $now);
            """);
        command.Parameters.AddWithValue("$leases", includeLeases);
        AddKey(command, ns, snapshotter, key);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            owners.Add(r.GetString(0));
        return owners;
    }

    /// <summary>Records that an operation was applied; false when it already was (a redelivery). No id: always true.</summary>
    private static async Task<bool> FirstApplicationAsync(SqliteConnection c, SqliteTransaction t, Guid? operationId, DateTimeOffset now, CancellationToken ct)
    {
        if (operationId is not { } id || id == Guid.Empty)
            return true;
        await using var insert = Command(c, t, "INSERT OR IGNORE INTO applied_operations (id, applied_at) VALUES ($id, $now);");
        insert.Parameters.AddWithValue("$id", id.ToString("N"));
        insert.Parameters.AddWithValue("$now", now.UtcTicks);
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<List<string>> ChildrenAsync(SqliteConnection c, SqliteTransaction? t, string ns, string snapshotter, string key, CancellationToken ct)
    {
        var children = new List<string>();
        await using var command = Command(c, t, "SELECT key FROM snapshots WHERE namespace = $ns AND snapshotter = $sn AND parent = $key;");
        AddKey(command, ns, snapshotter, key);
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            children.Add(r.GetString(0));
        return children;
    }

    private static async Task DeleteSnapshotRowsAsync(SqliteConnection c, SqliteTransaction t, string ns, string snapshotter, string key, CancellationToken ct)
    {
        await using var delete = Command(c, t, """
            DELETE FROM snapshots WHERE namespace = $ns AND snapshotter = $sn AND key = $key;
            DELETE FROM lease_resources WHERE namespace = $ns AND snapshotter = $sn AND key = $key;
            """);
        AddKey(delete, ns, snapshotter, key);
        await delete.ExecuteNonQueryAsync(ct);
    }

    private static async Task AddLeaseResourceAsync(SqliteConnection c, SqliteTransaction t, string ns, string leaseId, string snapshotter, string key, CancellationToken ct)
    {
        if (await GetLeaseAsync(c, t, ns, leaseId, ct) is null)
            throw ResourceErrors.LeaseNotFound(ns, leaseId);
        await using var insert = Command(c, t, "INSERT OR IGNORE INTO lease_resources (namespace, lease_id, snapshotter, key) VALUES ($ns, $lease, $sn, $key);");
        AddKey(insert, ns, snapshotter, key);
        insert.Parameters.AddWithValue("$lease", leaseId);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<LeaseResourceRecord>> LeaseResourcesAsync(SqliteConnection c, SqliteTransaction? t, string ns, string leaseId, CancellationToken ct)
    {
        await using var command = Command(c, t, "SELECT namespace, lease_id, snapshotter, key FROM lease_resources WHERE namespace = $ns AND lease_id = $lease ORDER BY snapshotter, key;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$lease", leaseId);
        var result = new List<LeaseResourceRecord>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new LeaseResourceRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return result;
    }

    private static async Task<LeaseRecord?> GetLeaseAsync(SqliteConnection c, SqliteTransaction? t, string ns, string id, CancellationToken ct)
    {
        await using var command = Command(c, t, "SELECT namespace, id, labels, created_at, expires_at FROM leases WHERE namespace = $ns AND id = $id;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$id", id);
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadLease(r) : null;
    }

    private static async Task<SnapshotRecord?> GetSnapshotAsync(SqliteConnection c, SqliteTransaction? t, string ns, string snapshotter, string key, CancellationToken ct)
    {
        await using var command = Command(c, t, $"SELECT {SnapshotColumns} FROM snapshots WHERE namespace = $ns AND snapshotter = $sn AND key = $key;");
        AddKey(command, ns, snapshotter, key);
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadSnapshot(r) : null;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? t, string sql)
    {
        var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        return command;
    }

    private static void AddKey(SqliteCommand command, string ns, string snapshotter, string key)
    {
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$sn", snapshotter);
        command.Parameters.AddWithValue("$key", key);
    }

    private static void BindSnapshot(SqliteCommand command, SnapshotRecord s)
    {
        AddKey(command, s.Namespace, s.Snapshotter, s.Key);
        command.Parameters.AddWithValue("$dir", s.DirId);
        command.Parameters.AddWithValue("$kind", (int)s.Kind);
        command.Parameters.AddWithValue("$parent", (object?)s.Parent ?? DBNull.Value);
        command.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(s.Labels));
        command.Parameters.AddWithValue("$created", s.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updated", s.UpdatedAt.UtcTicks);
    }

    private static SnapshotRecord ReadSnapshot(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), (SnapshotKind)r.GetInt32(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(6))!,
        new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(8), TimeSpan.Zero));

    private static ReferenceRecord ReadReference(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero));

    private static LeaseRecord ReadLease(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(2))!,
        new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero), r.IsDBNull(4) ? null : new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero));
}
