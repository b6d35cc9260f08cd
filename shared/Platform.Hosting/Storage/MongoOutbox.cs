using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Contracts;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.Storage;

/// <summary>
/// The outbox, sequence counters and transaction handling every MongoDB store shares. Outbox documents are
/// ordered by an ObjectId taken at write time (monotonic within one process). Published documents stay, marked, as
/// the event history (<see cref="MongoEventHistory"/>) until pruned; the relay finds unpublished ones on the
/// (published, order) index.
/// </summary>
public sealed class MongoOutbox(IMongoDatabase database, string service)
{
    private readonly IMongoCollection<OutboxDocument> _outbox = database.GetCollection<OutboxDocument>(service + ".outbox");
    private readonly IMongoCollection<SequenceDocument> _sequences = database.GetCollection<SequenceDocument>(service + ".sequences");
    private bool? _transactions;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.Indexes.CreateOneAsync(new CreateIndexModel<OutboxDocument>(
            Builders<OutboxDocument>.IndexKeys.Ascending(d => d.Order), new CreateIndexOptions { Name = "order" }), cancellationToken: cancellationToken);
        await History.InitializeAsync(cancellationToken);
        var hello = await database.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        _transactions = hello.Contains("setName") || hello.GetValue("msg", "").AsString == "isdbgrid";
    }

    /// <summary>The outbox read as the store's event history.</summary>
    public MongoEventHistory History => new(_outbox);

    /// <summary>True when the server supports multi-document transactions (replica set or sharded cluster).</summary>
    public bool Transactional => _transactions ?? false;

    /// <summary>
    /// Runs a write and its outbox append in one transaction (retried by the driver on transient errors).
    /// Without transaction support the steps run in order without one.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<IClientSessionHandle?, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!Transactional)
            return await work(null, cancellationToken);
        using var session = await database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync((s, ct) => work(s, ct), cancellationToken: cancellationToken);
    }

    public async Task<long> NextSequenceAsync(IClientSessionHandle? session, string kind, string @namespace, string id, CancellationToken cancellationToken)
    {
        var key = $"{kind}/{@namespace}/{id}";
        var update = Builders<SequenceDocument>.Update.Inc(d => d.Last, 1);
        var options = new FindOneAndUpdateOptions<SequenceDocument, SequenceDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        var filter = Builders<SequenceDocument>.Filter.Eq(d => d.Key, key);
        var document = session is null
            ? await _sequences.FindOneAndUpdateAsync(filter, update, options, cancellationToken)
            : await _sequences.FindOneAndUpdateAsync(session, filter, update, options, cancellationToken);
        return document.Last;
    }

    /// <summary>Allocates the object's next sequence number and appends the event made with it, in the caller's session.</summary>
    public async Task AppendEventAsync(IClientSessionHandle? session, string kind, string @namespace, string id, EventFactory makeEvent,
        CancellationToken cancellationToken)
    {
        var sequence = await NextSequenceAsync(session, kind, @namespace, id, cancellationToken);
        await AppendAsync(session, makeEvent(sequence), cancellationToken);
    }

    public Task AppendAsync(IClientSessionHandle? session, IPlatformEvent e, CancellationToken cancellationToken)
    {
        var document = new OutboxDocument
        {
            EventId = e.EventId.ToString(),
            Order = ObjectId.GenerateNewId(),
            MessageType = EventCodec.NameOf(e.GetType()),
            Payload = EventCodec.Serialize(e),
            Published = false,
            EventTime = e.Timestamp.UtcTicks,
        };
        return session is null
            ? _outbox.InsertOneAsync(document, cancellationToken: cancellationToken)
            : _outbox.InsertOneAsync(session, document, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken)
    {
        var documents = await _outbox.Find(d => d.Published == false)
            .Sort(Builders<OutboxDocument>.Sort.Ascending(d => d.Order)).Limit(max).ToListAsync(cancellationToken);
        return documents.Select(d => new OutboxRecord(0, Guid.Parse(d.EventId), d.MessageType, d.Payload)).ToList();
    }

    /// <summary>Marks records the broker has confirmed: the relay skips them, the history keeps them until pruned.</summary>
    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.EventId.ToString()).ToList();
        return _outbox.UpdateManyAsync(d => ids.Contains(d.EventId), Builders<OutboxDocument>.Update.Set(d => d.Published, true),
            cancellationToken: cancellationToken);
    }

    internal sealed class OutboxDocument
    {
        [BsonId] public string EventId { get; set; } = "";
        [BsonElement("order")] public ObjectId Order { get; set; }
        [BsonElement("type")] public string MessageType { get; set; } = "";
        [BsonElement("payload")] public string Payload { get; set; } = "";
        [BsonElement("published")] public bool Published { get; set; }
        [BsonElement("time")] public long EventTime { get; set; }
    }

    internal sealed class SequenceDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("last")] public long Last { get; set; }
    }
}
