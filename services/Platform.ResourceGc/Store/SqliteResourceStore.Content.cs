using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Filters;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Content;

namespace Platform.ResourceGc.Store;

/// <summary>
/// Content records. A record's GC labels are mirrored as rows of <c>label_edges</c>, written in the same transaction as
/// the record (insert, label update, delete), so a removal's "no content label points here" is one indexed lookup
/// inside the removal's own transaction, for content and for snapshots alike. References and lease holds on content
/// live in the snapshots' tables with <see cref="ResourceSpaces.Content"/> in the snapshotter column.
/// </summary>
public sealed partial class SqliteResourceStore
{
    private const string ContentColumns = "namespace, digest, size, labels, created_at, updated_at";

    // New tables only (CREATE IF NOT EXISTS): files written before content existed open unchanged.
    private const string ContentSchema = """
        CREATE TABLE IF NOT EXISTS content (
            namespace  TEXT NOT NULL,
            digest     TEXT NOT NULL,
            size       INTEGER NOT NULL,
            labels     TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, digest)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS content_digest ON content (digest);
        CREATE TABLE IF NOT EXISTS label_edges (
            namespace   TEXT NOT NULL,
            from_digest TEXT NOT NULL,
            label       TEXT NOT NULL,
            to_space    TEXT NOT NULL,
            to_key      TEXT NOT NULL,
            PRIMARY KEY (namespace, from_digest, label)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS label_edges_to ON label_edges (namespace, to_space, to_key);
        """;

    public async Task<ContentRecord?> GetContentAsync(string ns, string digest, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        return await GetContentAsync(c, null, ns, digest, cancellationToken);
    }

    public async Task<bool> ContentDigestRecordedAsync(string digest, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT EXISTS (SELECT 1 FROM content WHERE digest = $digest);");
        command.Parameters.AddWithValue("$digest", digest);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task<(ContentRecord Record, bool Created)> InsertContentAsync(ContentRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetContentAsync(c, t, record.Namespace, record.Digest, cancellationToken);
            if (stored is null)
            {
                await using (var insert = Command(c, t, $"INSERT INTO content ({ContentColumns}) VALUES ($ns, $digest, $size, $labels, $created, $updated);"))
                {
                    insert.Parameters.AddWithValue("$ns", record.Namespace);
                    insert.Parameters.AddWithValue("$digest", record.Digest);
                    insert.Parameters.AddWithValue("$size", record.Size);
                    insert.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(record.Labels));
                    insert.Parameters.AddWithValue("$created", record.CreatedAt.UtcTicks);
                    insert.Parameters.AddWithValue("$updated", record.UpdatedAt.UtcTicks);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                await WriteEdgesAsync(c, t, record, cancellationToken);
            }
            if (leaseId is not null)
                await AddLeaseResourceAsync(c, t, record.Namespace, leaseId, ResourceSpaces.Content, record.Digest, cancellationToken);
            if (stored is null)
                await SqliteOutbox.AppendEventAsync(c, t, "content", record.Namespace, record.Digest, makeEvent, cancellationToken);
            return (stored ?? record, stored is null);
        }, cancellationToken);
        if (result.Item2)
            signal.Notify();
        return result;
    }

    public Task<ContentRecord> UpdateContentLabelsAsync(string ns, string digest,
        Func<ContentRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            var stored = await GetContentAsync(c, t, ns, digest, cancellationToken) ?? throw ResourceErrors.ContentNotFound(ns, digest);
            var updated = stored with { Labels = apply(stored), UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1) };
            await using (var update = Command(c, t, "UPDATE content SET labels = $labels, updated_at = $updated WHERE namespace = $ns AND digest = $digest;"))
            {
                update.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(updated.Labels));
                update.Parameters.AddWithValue("$updated", updated.UpdatedAt.UtcTicks);
                update.Parameters.AddWithValue("$ns", ns);
                update.Parameters.AddWithValue("$digest", digest);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await WriteEdgesAsync(c, t, updated, cancellationToken);
            return updated;
        }, cancellationToken);

    public async Task<ContentRecord> RemoveContentAsync(string ns, string digest, DateTimeOffset now, Func<ContentRecord, EventFactory> makeEvent, CancellationToken cancellationToken)
    {
        var removed = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetContentAsync(c, t, ns, digest, cancellationToken) ?? throw ResourceErrors.ContentNotFound(ns, digest);
            var holders = await OwnersAsync(c, t, ns, ResourceSpaces.Content, digest, now, cancellationToken);
            holders.AddRange(await LabelledByAsync(c, t, ns, ResourceSpaces.Content, digest, cancellationToken));
            if (holders.Count > 0)
                throw ResourceErrors.ContentInUse(digest, holders);
            await DeleteContentRowsAsync(c, t, ns, digest, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "content", ns, digest, makeEvent(stored), cancellationToken);
            return stored;
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    public async Task<ContentRecord?> TryCollectContentAsync(string ns, string digest, DateTimeOffset passStart, DateTimeOffset now,
        Func<ContentRecord, EventFactory> makeEvent, CancellationToken cancellationToken)
    {
        var collected = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetContentAsync(c, t, ns, digest, cancellationToken);
            if (stored is null || stored.CreatedAt >= passStart || stored.Labels.ContainsKey(GcLabels.Root))
                return null;
            if ((await OwnersAsync(c, t, ns, ResourceSpaces.Content, digest, now, cancellationToken)).Count > 0)
                return null;
            if ((await LabelledByAsync(c, t, ns, ResourceSpaces.Content, digest, cancellationToken)).Count > 0)
                return null;
            await DeleteContentRowsAsync(c, t, ns, digest, cancellationToken);
            await SqliteOutbox.AppendEventAsync(c, t, "content", ns, digest, makeEvent(stored), cancellationToken);
            return stored;
        }, cancellationToken);
        if (collected is not null)
            signal.Notify();
        return collected;
    }

    public async Task<(IReadOnlyList<ContentRecord> Page, string? After)> ListContentAsync(string ns, FilterSet filters, int limit, string? after,
        CancellationToken cancellationToken)
    {
        var page = new List<ContentRecord>();
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, $"SELECT {ContentColumns} FROM content WHERE namespace = $ns AND digest > $after ORDER BY digest;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$after", after ?? "");
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var record = ReadContent(r);
            if (!filters.Match(new ContentFields(record)))
                continue;
            if (page.Count == limit)
                return (page, page[^1].Digest);
            page.Add(record);
        }
        return (page, null);
    }

    /// <summary>Whether the resource a reference or lease hold names exists: content when the space says so, else a snapshot.</summary>
    private static async Task<bool> ResourceExistsAsync(SqliteConnection c, SqliteTransaction? t, string ns, string space, string key, CancellationToken ct) =>
        ResourceSpaces.IsContent(space)
            ? await GetContentAsync(c, t, ns, key, ct) is not null
            : await GetSnapshotAsync(c, t, ns, space, key, ct) is not null;

    /// <summary>The content records whose GC labels point at a resource (self-edges aside), as readable names.</summary>
    private static async Task<List<string>> LabelledByAsync(SqliteConnection c, SqliteTransaction? t, string ns, string space, string key, CancellationToken ct)
    {
        await using var command = Command(c, t, """
            SELECT 'content ' || from_digest || ' (label ' || label || ')' FROM label_edges
            WHERE namespace = $ns AND to_space = $sn AND to_key = $key AND NOT (to_space = 'content' AND from_digest = $key);
            """);
        AddKey(command, ns, space, key);
        var result = new List<string>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(r.GetString(0));
        return result;
    }

    private static async Task WriteEdgesAsync(SqliteConnection c, SqliteTransaction t, ContentRecord record, CancellationToken ct)
    {
        await using (var delete = Command(c, t, "DELETE FROM label_edges WHERE namespace = $ns AND from_digest = $digest;"))
        {
            delete.Parameters.AddWithValue("$ns", record.Namespace);
            delete.Parameters.AddWithValue("$digest", record.Digest);
            await delete.ExecuteNonQueryAsync(ct);
        }
        foreach (var edge in record.Edges)
        {
            await using var insert = Command(c, t, "INSERT OR REPLACE INTO label_edges (namespace, from_digest, label, to_space, to_key) VALUES ($ns, $digest, $label, $space, $key);");
            insert.Parameters.AddWithValue("$ns", edge.Namespace);
            insert.Parameters.AddWithValue("$digest", edge.FromDigest);
            insert.Parameters.AddWithValue("$label", edge.Label);
            insert.Parameters.AddWithValue("$space", edge.ToSpace);
            insert.Parameters.AddWithValue("$key", edge.ToKey);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task DeleteContentRowsAsync(SqliteConnection c, SqliteTransaction t, string ns, string digest, CancellationToken ct)
    {
        await using var delete = Command(c, t, """
            DELETE FROM content WHERE namespace = $ns AND digest = $key;
            DELETE FROM label_edges WHERE namespace = $ns AND from_digest = $key;
            DELETE FROM lease_resources WHERE namespace = $ns AND snapshotter = $sn AND key = $key;
            """);
        AddKey(delete, ns, ResourceSpaces.Content, digest);
        await delete.ExecuteNonQueryAsync(ct);
    }

    private static async Task<ContentRecord?> GetContentAsync(SqliteConnection c, SqliteTransaction? t, string ns, string digest, CancellationToken ct)
    {
        await using var command = Command(c, t, $"SELECT {ContentColumns} FROM content WHERE namespace = $ns AND digest = $digest;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$digest", digest);
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadContent(r) : null;
    }

    private static ContentRecord ReadContent(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3))!,
        new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero));
}
