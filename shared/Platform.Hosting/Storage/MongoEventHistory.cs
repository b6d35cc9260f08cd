using MongoDB.Bson;
using MongoDB.Driver;
using Platform.Common.Errors;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.Storage;

/// <summary>
/// The outbox of a MongoDB store (<see cref="MongoOutbox"/>) read as its event history; cursors are the documents'
/// order ObjectIds. Event times are ticks (UTC), as precise as the events' own timestamps.
/// </summary>
public sealed class MongoEventHistory
{
    private readonly IMongoCollection<MongoOutbox.OutboxDocument> _outbox;

    internal MongoEventHistory(IMongoCollection<MongoOutbox.OutboxDocument> outbox) => _outbox = outbox;

    private static FilterDefinitionBuilder<MongoOutbox.OutboxDocument> Filter => Builders<MongoOutbox.OutboxDocument>.Filter;

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Documents written before the history were all unpublished (published ones were deleted) and carry no time.
        await _outbox.UpdateManyAsync(Filter.Exists(d => d.Published, false),
            Builders<MongoOutbox.OutboxDocument>.Update.Set(d => d.Published, false).Set(d => d.EventTime, 0L), cancellationToken: cancellationToken);
        await _outbox.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<MongoOutbox.OutboxDocument>(Builders<MongoOutbox.OutboxDocument>.IndexKeys.Ascending(d => d.Published).Ascending(d => d.Order),
                new CreateIndexOptions { Name = "published_order" }),
            new CreateIndexModel<MongoOutbox.OutboxDocument>(Builders<MongoOutbox.OutboxDocument>.IndexKeys.Ascending(d => d.EventTime),
                new CreateIndexOptions { Name = "time" }),
        ], cancellationToken);
    }

    public async Task<IReadOnlyList<HistoryRecord>> ReadAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken)
    {
        var filter = after is null ? Filter.Empty : Filter.Gt(d => d.Order, OrderOf(after));
        if (since is { } from)
        {
            // Times follow order only roughly, so start at the first document of any event as late as since.
            var first = await _outbox.Find(Filter.Gte(d => d.EventTime, from.UtcTicks))
                .Sort(Builders<MongoOutbox.OutboxDocument>.Sort.Ascending(d => d.Order)).Limit(1).FirstOrDefaultAsync(cancellationToken);
            if (first is null)
                return [];
            filter &= Filter.Gte(d => d.Order, first.Order) & Filter.Gte(d => d.EventTime, from.UtcTicks);
        }
        if (until is { } to)
            filter &= Filter.Lte(d => d.EventTime, to.UtcTicks);
        var documents = await _outbox.Find(filter).Sort(Builders<MongoOutbox.OutboxDocument>.Sort.Ascending(d => d.Order)).Limit(max)
            .ToListAsync(cancellationToken);
        return [.. documents.Select(Record)];
    }

    public async Task<HistoryRecord?> FindAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await _outbox.Find(Filter.Eq(d => d.EventId, eventId.ToString())).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : Record(document);
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken)
    {
        var published = Filter.Eq(d => d.Published, true);
        var removed = (await _outbox.DeleteManyAsync(published & Filter.Lt(d => d.EventTime, olderThan.UtcTicks), cancellationToken)).DeletedCount;
        var newestRemoved = await _outbox.Find(published).Sort(Builders<MongoOutbox.OutboxDocument>.Sort.Descending(d => d.Order))
            .Skip(keepAtMost).Limit(1).FirstOrDefaultAsync(cancellationToken);
        if (newestRemoved is not null)
            removed += (await _outbox.DeleteManyAsync(published & Filter.Lte(d => d.Order, newestRemoved.Order), cancellationToken)).DeletedCount;
        return (int)removed;
    }

    private static ObjectId OrderOf(string cursor) =>
        ObjectId.TryParse(cursor, out var order) ? order
        : throw PlatformException.InvalidArgument("continuationToken does not name a position of this service's event history; pass the one from the previous page unchanged");

    private static HistoryRecord Record(MongoOutbox.OutboxDocument d) =>
        new(d.Order.ToString(), Guid.Parse(d.EventId), d.MessageType, d.Payload, new DateTimeOffset(d.EventTime, TimeSpan.Zero));
}
