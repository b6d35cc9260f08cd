using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Filters;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Content;

namespace Platform.ResourceGc.Store;

/// <summary>
/// Content records on MongoDB, in the style of the snapshots: a content document counts what protects it (<c>refs</c>,
/// <c>holds</c>, <c>labelled</c>), everything that adds protection increments the counter in its transaction, and a removal
/// deletes the document only with the counters as read, so the two transactions conflict instead of racing. A record's GC
/// labels are also kept as edge documents (one per label) written in the same transaction as the record; writing or
/// dropping one bumps the <c>labelled</c> counter of its target (content or snapshot) when that exists, so an edge added
/// while the target is being removed conflicts with the removal. A target created later counts the edges already pointing
/// at it; an edge written concurrently with its target's creation may leave the count off by one, which is why removals
/// also look the edges up (the count only forces the conflict) and treat a count at or below zero as "no edge".
/// </summary>
public sealed partial class MongoResourceStore
{
    private readonly IMongoCollection<ContentDoc> _content = database.GetCollection<ContentDoc>("resources.content");
    private readonly IMongoCollection<EdgeDoc> _edges = database.GetCollection<EdgeDoc>("resources.labelEdges");

    private async Task InitializeContentAsync(CancellationToken cancellationToken)
    {
        await _content.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ContentDoc>(Builders<ContentDoc>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Digest)),
            new CreateIndexModel<ContentDoc>(Builders<ContentDoc>.IndexKeys.Ascending(d => d.Digest)),
        ], cancellationToken);
        await _edges.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<EdgeDoc>(Builders<EdgeDoc>.IndexKeys.Ascending(d => d.TargetId)),
            new CreateIndexModel<EdgeDoc>(Builders<EdgeDoc>.IndexKeys.Ascending(d => d.SourceId)),
        ], cancellationToken);
    }

    public async Task<ContentRecord?> GetContentAsync(string ns, string digest, CancellationToken cancellationToken)
    {
        var id = ContentId(ns, digest);
        return (await _content.Find(d => d.Id == id).FirstOrDefaultAsync(cancellationToken))?.ToRecord();
    }

    public Task<bool> ContentDigestRecordedAsync(string digest, CancellationToken cancellationToken) =>
        _content.Find(d => d.Digest == digest).AnyAsync(cancellationToken);

    public async Task<(ContentRecord Record, bool Created)> InsertContentAsync(ContentRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var result = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = ContentId(record.Namespace, record.Digest);
            var stored = await FindContentAsync(s!, id, ct);
            if (stored is null)
            {
                var document = ContentDoc.From(record);
                document.Labelled = await EdgesToAsync(s!, id, ct);
                await _content.InsertOneAsync(s!, document, cancellationToken: ct);
                await WriteEdgesAsync(s!, record, ct);
            }
            if (leaseId is not null)
                await HoldAsync(s!, record.Namespace, leaseId, ResourceSpaces.Content, record.Digest, ct);
            if (stored is null)
                await _outbox.AppendEventAsync(s, "content", record.Namespace, record.Digest, makeEvent, ct);
            return (stored?.ToRecord() ?? record, stored is null);
        }, cancellationToken);
        if (result.Item2)
            signal.Notify();
        return result;
    }

    public Task<ContentRecord> UpdateContentLabelsAsync(string ns, string digest,
        Func<ContentRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var id = ContentId(ns, digest);
            var stored = (await FindContentAsync(s!, id, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest)).ToRecord();
            var updated = stored with { Labels = apply(stored), UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1) };
            await _content.UpdateOneAsync(s!, d => d.Id == id, Builders<ContentDoc>.Update
                .Set(d => d.Labels, Pair.From(updated.Labels)).Set(d => d.UpdatedAt, updated.UpdatedAt.UtcTicks), cancellationToken: ct);
            await WriteEdgesAsync(s!, updated, ct);
            return updated;
        }, cancellationToken);

    public async Task<ContentRecord> RemoveContentAsync(string ns, string digest, DateTimeOffset now, Func<ContentRecord, EventFactory> makeEvent,
        CancellationToken cancellationToken)
    {
        var removed = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = ContentId(ns, digest);
            var stored = await FindContentAsync(s!, id, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest);
            var holders = await OwnerNamesAsync(s, id, ct);
            holders.AddRange((await LiveHoldersAsync(s, id, now, ct)).Select(l => "lease " + l));
            holders.AddRange(await LabelledByAsync(s!, id, ct));
            if (holders.Count > 0 || !await DeleteContentAsync(s!, stored, ct))
                throw ResourceErrors.ContentInUse(digest, holders.Count > 0 ? holders : ["a concurrent change"]);
            var record = stored.ToRecord();
            await _outbox.AppendEventAsync(s, "content", ns, digest, makeEvent(record), ct);
            return record;
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    public async Task<ContentRecord?> TryCollectContentAsync(string ns, string digest, DateTimeOffset passStart, DateTimeOffset now,
        Func<ContentRecord, EventFactory> makeEvent, CancellationToken cancellationToken)
    {
        var collected = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = ContentId(ns, digest);
            var stored = await FindContentAsync(s!, id, ct);
            if (stored is null || stored.CreatedAt >= passStart.UtcTicks || stored.Labels.Any(l => l.K == GcLabels.Root) || stored.Refs > 0)
                return null;
            if (stored.Holds > 0 && (await LiveHoldersAsync(s, id, now, ct)).Count > 0)
                return null;
            if ((await LabelledByAsync(s!, id, ct)).Count > 0 || !await DeleteContentAsync(s!, stored, ct))
                return null;
            var record = stored.ToRecord();
            await _outbox.AppendEventAsync(s, "content", ns, digest, makeEvent(record), ct);
            return record;
        }, cancellationToken);
        if (collected is not null)
            signal.Notify();
        return collected;
    }

    public async Task<(IReadOnlyList<ContentRecord> Page, string? After)> ListContentAsync(string ns, FilterSet filters, int limit, string? after,
        CancellationToken cancellationToken)
    {
        var from = after ?? "";
        var page = new PageCollector<ContentRecord>(limit, r => filters.Match(new ContentFields(r)), r => r.Digest);
        var f = Builders<ContentDoc>.Filter;
        using var cursor = await _content.Find(f.Eq(d => d.Namespace, ns) & f.Gt(d => d.Digest, from))
            .Sort(Builders<ContentDoc>.Sort.Ascending(d => d.Digest)).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            if (!cursor.Current.All(document => page.Offer(document.ToRecord())))
                break;
        return (page.Items, page.After);
    }

    /// <summary>Deletes a content document only if its counters are still as read; drops its edges (and their targets' counts) and its lease holds.</summary>
    private async Task<bool> DeleteContentAsync(IClientSessionHandle s, ContentDoc stored, CancellationToken ct)
    {
        var deleted = await _content.DeleteOneAsync(s, d => d.Id == stored.Id && d.Refs == 0 && d.Holds == stored.Holds && d.Labelled == stored.Labelled,
            cancellationToken: ct);
        if (deleted.DeletedCount == 0)
            return false;
        await _holds.DeleteManyAsync(s, d => d.SnapshotId == stored.Id, cancellationToken: ct);
        await WriteEdgesAsync(s, stored.ToRecord() with { Labels = new Dictionary<string, string>() }, ct);
        return true;
    }

    /// <summary>Replaces the edge documents of one content record, keeping every target's <c>labelled</c> count in step.</summary>
    private async Task WriteEdgesAsync(IClientSessionHandle s, ContentRecord record, CancellationToken ct)
    {
        var sourceId = ContentId(record.Namespace, record.Digest);
        foreach (var old in await _edges.Find(s, d => d.SourceId == sourceId).ToListAsync(ct))
        {
            await _edges.DeleteOneAsync(s, d => d.Id == old.Id, cancellationToken: ct);
            await CountAsync(s, old.ToSpace, old.TargetId, "labelled", -1, ct);
        }
        foreach (var edge in record.Edges)
        {
            var document = EdgeDoc.Of(edge);
            if (document.TargetId == sourceId)
                continue;
            await _edges.InsertOneAsync(s, document, cancellationToken: ct);
            await CountAsync(s, edge.ToSpace, document.TargetId, "labelled", 1, ct);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to a counter of a snapshot or content document; how many documents matched (0: it doesn't exist).</summary>
    private async Task<long> CountAsync(IClientSessionHandle s, string space, string id, string field, int delta, CancellationToken ct) =>
        ResourceSpaces.IsContent(space)
            ? (await _content.UpdateOneAsync(s, Builders<ContentDoc>.Filter.Eq(d => d.Id, id), Builders<ContentDoc>.Update.Inc(field, delta), cancellationToken: ct)).MatchedCount
            : (await _snapshots.UpdateOneAsync(s, Builders<SnapshotDoc>.Filter.Eq(d => d.Id, id), Builders<SnapshotDoc>.Update.Inc(field, delta), cancellationToken: ct)).MatchedCount;

    private async Task<bool> ResourceExistsAsync(IClientSessionHandle s, string ns, string space, string key, CancellationToken ct) =>
        ResourceSpaces.IsContent(space)
            ? await FindContentAsync(s, ContentId(ns, key), ct) is not null
            : await FindSnapshotAsync(s, SnapshotId(ns, space, key), ct) is not null;

    private async Task<int> EdgesToAsync(IClientSessionHandle s, string targetId, CancellationToken ct) =>
        (int)await _edges.CountDocumentsAsync(s, d => d.TargetId == targetId, cancellationToken: ct);

    private async Task<List<string>> LabelledByAsync(IClientSessionHandle s, string targetId, CancellationToken ct) =>
        (await _edges.Find(s, d => d.TargetId == targetId).ToListAsync(ct)).Select(e => $"content {e.From} (label {e.Label})").ToList();

    private Task<ContentDoc?> FindContentAsync(IClientSessionHandle s, string id, CancellationToken ct) =>
        _content.Find(s, d => d.Id == id).FirstOrDefaultAsync(ct)!;

    private static string ContentId(string ns, string digest) => SnapshotId(ns, ResourceSpaces.Content, digest);

    internal sealed class ContentDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("digest")] public string Digest { get; set; } = "";
        [BsonElement("size")] public long Size { get; set; }
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("refs")] public int Refs { get; set; }
        [BsonElement("holds")] public int Holds { get; set; }
        [BsonElement("labelled")] public int Labelled { get; set; }

        public static ContentDoc From(ContentRecord r) => new()
        {
            Id = ContentId(r.Namespace, r.Digest), Namespace = r.Namespace, Digest = r.Digest, Size = r.Size, Labels = Pair.From(r.Labels),
            CreatedAt = r.CreatedAt.UtcTicks, UpdatedAt = r.UpdatedAt.UtcTicks,
        };

        public ContentRecord ToRecord() => new(Namespace, Digest, Size, Labels.ToDictionary(p => p.K, p => p.V),
            new DateTimeOffset(CreatedAt, TimeSpan.Zero), new DateTimeOffset(UpdatedAt, TimeSpan.Zero));
    }

    internal sealed class EdgeDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("sourceId")] public string SourceId { get; set; } = "";
        [BsonElement("targetId")] public string TargetId { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("from")] public string From { get; set; } = "";
        [BsonElement("label")] public string Label { get; set; } = "";
        [BsonElement("toSpace")] public string ToSpace { get; set; } = "";
        [BsonElement("toKey")] public string ToKey { get; set; } = "";

        public static EdgeDoc Of(LabelEdge e) => new()
        {
            Id = $"{ContentId(e.Namespace, e.FromDigest)}/{e.Label}", SourceId = ContentId(e.Namespace, e.FromDigest),
            TargetId = SnapshotId(e.Namespace, e.ToSpace, e.ToKey), Namespace = e.Namespace, From = e.FromDigest, Label = e.Label,
            ToSpace = e.ToSpace, ToKey = e.ToKey,
        };
    }
}
