using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;

namespace Platform.Metadata.Store;

/// <summary>
/// What the MongoDB container and image stores share: a collection of versioned documents whose <c>_id</c> is
/// "namespace/key" and which hold <c>namespace</c>, the key, <c>labels</c> as {k, v} pairs and <c>version</c>; listed in
/// key order with paging, and written with their event through the metadata outbox and sequences (in one transaction on
/// a replica set; on a standalone server in order without one). Each store keeps its own document class, indexes and
/// pushdown of its own fields; equality selectors on labels become <c>$elemMatch</c> queries here.
/// </summary>
internal sealed class MongoVersionedCollection<T, TDocument>(
    IMongoDatabase database,
    OutboxSignal signal,
    string collection,
    string kind,
    string keyField,
    Func<T, (string Namespace, string Key)> keyOf,
    Func<T, TDocument> toDocument,
    Func<TDocument, T> fromDocument,
    Func<IReadOnlyList<string>, string, FilterDefinition<TDocument>?> fieldEquals,
    Func<FilterSet, T, bool> matches,
    Func<string, string, PlatformException> alreadyExists,
    IReadOnlyCollection<string>? keptOnUpdate = null)
    where T : class
{
    private static readonly FilterDefinitionBuilder<TDocument> F = Builders<TDocument>.Filter;
    private readonly MongoOutbox _outbox = new(database, "metadata");
    private readonly MongoCommandOutcomes _outcomes = new(database, "metadata");

    public IMongoCollection<TDocument> Documents { get; } = database.GetCollection<TDocument>(collection);

    public Task InitializeOutboxAsync(CancellationToken cancellationToken) => _outbox.InitializeAsync(cancellationToken);

    public async Task<T?> GetAsync(string @namespace, string key, CancellationToken cancellationToken)
    {
        var document = await Documents.Find(F.Eq("_id", MongoVersionedCollection.Key(@namespace, key))).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : fromDocument(document);
    }

    /// <summary>One page of the namespace's documents that match, in key order after <paramref name="after"/>.</summary>
    public async Task<(IReadOnlyList<T> Items, string? After)> ListAsync(string @namespace, FilterSet filters, int limit, string? after,
        CancellationToken cancellationToken)
    {
        var page = new PageCollector<T>(limit, item => matches(filters, item), item => keyOf(item).Key);
        using var cursor = await Documents.Find(ListQuery(@namespace, filters, after)).Sort(Builders<TDocument>.Sort.Ascending(keyField))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            if (!cursor.Current.All(document => page.Offer(fromDocument(document))))
                break;
        return (page.Items, page.After);
    }

    /// <param name="outcome">The command's outcome, recorded with the change (see <see cref="CommandOnce"/>); null for none.</param>
    public async Task CreateAsync(T item, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        var (ns, key) = keyOf(item);
        try
        {
            await _outbox.WriteAsync(async (session, ct) =>
            {
                // The driver refuses a null session: without transactions, use the session-less overloads.
                if (session is null)
                    await Documents.InsertOneAsync(toDocument(item), cancellationToken: ct);
                else
                    await Documents.InsertOneAsync(session, toDocument(item), cancellationToken: ct);
                return await AppendEventAsync(session, ns, key, makeEvent, outcome, ct);
            }, cancellationToken);
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            throw alreadyExists(ns, key);
        }
        signal.Notify();
    }

    public async Task<bool> UpdateAsync(T item, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        var (ns, key) = keyOf(item);
        var written = await _outbox.WriteAsync(async (session, ct) =>
        {
            var filter = AtVersion(ns, key, expectedVersion);
            var document = toDocument(item);
            if (keptOnUpdate is { Count: > 0 })
            {
                // Fields the item does not carry (a container's task hold) stay as stored: set the others, don't replace.
                var fields = document.ToBsonDocument();
                fields.Remove("_id");
                foreach (var kept in keptOnUpdate)
                    fields.Remove(kept);
                var update = new BsonDocumentUpdateDefinition<TDocument>(new BsonDocument("$set", fields));
                var updated = session is null
                    ? await Documents.UpdateOneAsync(filter, update, cancellationToken: ct)
                    : await Documents.UpdateOneAsync(session, filter, update, cancellationToken: ct);
                return updated.MatchedCount == 1 && await AppendEventAsync(session, ns, key, makeEvent, outcome, ct);
            }
            var result = session is null
                ? await Documents.ReplaceOneAsync(filter, document, cancellationToken: ct)
                : await Documents.ReplaceOneAsync(session, filter, document, cancellationToken: ct);
            return result.MatchedCount == 1 && await AppendEventAsync(session, ns, key, makeEvent, outcome, ct);
        }, cancellationToken);
        if (written)
            signal.Notify();
        return written;
    }

    /// <param name="condition">Optional: what else the document must still match, ANDed with the version check.</param>
    public async Task<bool> DeleteAsync(string @namespace, string key, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        FilterDefinition<TDocument>? condition = null, CommandOutcome? outcome = null)
    {
        var deleted = await _outbox.WriteAsync(async (session, ct) =>
        {
            var filter = condition is null ? AtVersion(@namespace, key, expectedVersion) : AtVersion(@namespace, key, expectedVersion) & condition;
            var result = session is null
                ? await Documents.DeleteOneAsync(filter, cancellationToken: ct)
                : await Documents.DeleteOneAsync(session, filter, cancellationToken: ct);
            return result.DeletedCount == 1 && await AppendEventAsync(session, @namespace, key, makeEvent, outcome, ct);
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _outbox.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _outbox.MarkPublishedAsync(records, cancellationToken);

    /// <summary>The outbox as the metadata service's event history.</summary>
    public MongoEventHistory History => _outbox.History;

    private static FilterDefinition<TDocument> AtVersion(string @namespace, string key, long expectedVersion) =>
        F.Eq("_id", MongoVersionedCollection.Key(@namespace, key)) & F.Eq("version", expectedVersion);

    private async Task<bool> AppendEventAsync(IClientSessionHandle? session, string @namespace, string key, EventFactory makeEvent,
        CommandOutcome? outcome, CancellationToken ct)
    {
        await _outbox.AppendEventAsync(session, kind, @namespace, key, makeEvent, ct);
        if (outcome is not null)
            await _outcomes.RecordAsync(session, outcome, ct);
        return true;
    }

    private FilterDefinition<TDocument> ListQuery(string @namespace, FilterSet filters, string? after)
    {
        var query = F.Eq("namespace", @namespace) & F.Gt(keyField, after ?? "");
        return filters.Filters.Count == 1 ? query & Pushdown(filters.Filters[0]) : query;
    }

    private FilterDefinition<TDocument> Pushdown(Filter filter)
    {
        var query = F.Empty;
        foreach (var selector in filter.Selectors)
        {
            if (selector.Operator != SelectorOperator.Equal)
                continue;
            var value = selector.Value;
            query &= selector.FieldPath switch
            {
                ["labels", _, ..] => LabelEquals(string.Join('.', selector.FieldPath.Skip(1)), value),
                var path => fieldEquals(path, value) ?? F.Empty,
            };
        }
        return query;
    }

    private static FilterDefinition<TDocument> LabelEquals(string key, string value) =>
        F.ElemMatch("labels", Builders<PairDocument>.Filter.Eq(p => p.K, key) & Builders<PairDocument>.Filter.Eq(p => p.V, value));

    // Inside a transaction the server may report a duplicate key as a command error rather than a write error.
    private static bool IsDuplicateKey(MongoException e) => e switch
    {
        MongoWriteException w => w.WriteError.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };
}

internal static class MongoVersionedCollection
{
    /// <summary>The document's <c>_id</c>. Namespaces never hold a '/', so the first one separates the namespace from the key.</summary>
    public static string Key(string @namespace, string key) => @namespace + "/" + key;
}

/// <summary>One entry of a string map (labels, extensions) as stored: {k, v}, so any key (dots and dollars included) is safe.</summary>
internal sealed class PairDocument
{
    [BsonElement("k")] public string K { get; set; } = "";
    [BsonElement("v")] public string V { get; set; } = "";

    public static List<PairDocument> From(IReadOnlyDictionary<string, string> map) =>
        map.Select(kv => new PairDocument { K = kv.Key, V = kv.Value }).ToList();

    public static Dictionary<string, string> ToDictionary(List<PairDocument> pairs) => pairs.ToDictionary(p => p.K, p => p.V);
}
