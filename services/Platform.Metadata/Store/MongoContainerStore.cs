using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Store;

/// <summary>
/// The production container store on MongoDB. Labels are stored as an array of {k, v} pairs, so any label
/// key (dots and dollars included) is safe and equality selectors become indexed <c>$elemMatch</c> queries.
/// Each write and its outbox event commit in one transaction (a replica set is required for that; on a
/// standalone server writes still work, but an event is then not atomic with its change).
/// </summary>
public sealed class MongoContainerStore(IMongoDatabase database, OutboxSignal signal)
    : IContainerStore, IOutboxStore, IInitializableStore
{
    private const string Kind = "container";
    private readonly IMongoCollection<ContainerDocument> _containers = database.GetCollection<ContainerDocument>("containers");
    private readonly MongoOutbox _outbox = new(database, "metadata");

    public string Name => "metadata";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.InitializeAsync(cancellationToken);
        await _containers.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ContainerDocument>(
                Builders<ContainerDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Id),
                new CreateIndexOptions { Unique = true, Name = "namespace_id" }),
            new CreateIndexModel<ContainerDocument>(
                Builders<ContainerDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending("labels.k").Ascending("labels.v"),
                new CreateIndexOptions { Name = "namespace_labels" }),
        ], cancellationToken);
    }

    public async Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, id);
        var document = await _containers.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken);
        return document?.ToContainer();
    }

    public async Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var f = Builders<ContainerDocument>.Filter;
        var query = f.Eq(d => d.Namespace, @namespace) & f.Gt(d => d.Id, after ?? "");
        if (filters.Filters.Count == 1)
            query &= Pushdown(filters.Filters[0]);

        var page = new PageCollector<Container>(limit, c => filters.Match(new ContainerFields(c)), c => c.Id);
        using var cursor = await _containers.Find(query).Sort(Builders<ContainerDocument>.Sort.Ascending(d => d.Id))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            if (!cursor.Current.All(document => page.Offer(document.ToContainer())))
                break;
        return new ContainerPage(page.Items, page.After);
    }

    public async Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.WriteAsync(async (session, ct) =>
            {
                // The driver refuses a null session: without transactions, use the session-less overloads.
                if (session is null)
                    await _containers.InsertOneAsync(ContainerDocument.From(container), cancellationToken: ct);
                else
                    await _containers.InsertOneAsync(session, ContainerDocument.From(container), cancellationToken: ct);
                return await AppendEventAsync(session, container.Namespace, container.Id, makeEvent, ct);
            }, cancellationToken);
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            throw ContainerRules.AlreadyExists(container.Namespace, container.Id);
        }
        signal.Notify();
    }

    public async Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var written = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(container.Namespace, container.Id);
            var document = ContainerDocument.From(container);
            var result = session is null
                ? await _containers.ReplaceOneAsync(d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct)
                : await _containers.ReplaceOneAsync(session, d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct);
            return result.MatchedCount == 1 && await AppendEventAsync(session, container.Namespace, container.Id, makeEvent, ct);
        }, cancellationToken);
        if (written)
            signal.Notify();
        return written;
    }

    public async Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(@namespace, id);
            var result = session is null
                ? await _containers.DeleteOneAsync(d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct)
                : await _containers.DeleteOneAsync(session, d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct);
            return result.DeletedCount == 1 && await AppendEventAsync(session, @namespace, id, makeEvent, ct);
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _outbox.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _outbox.MarkPublishedAsync(records, cancellationToken);

    private async Task<bool> AppendEventAsync(IClientSessionHandle? session, string @namespace, string id, EventFactory makeEvent, CancellationToken ct)
    {
        await _outbox.AppendEventAsync(session, Kind, @namespace, id, makeEvent, ct);
        return true;
    }

    private static FilterDefinition<ContainerDocument> Pushdown(Filter filter)
    {
        var f = Builders<ContainerDocument>.Filter;
        var query = f.Empty;
        foreach (var selector in filter.Selectors)
        {
            if (selector.Operator != SelectorOperator.Equal)
                continue;
            var value = selector.Value;
            query &= selector.FieldPath switch
            {
                ["id"] => f.Eq(d => d.Id, value),
                ["image"] => f.Eq(d => d.Image, value),
                ["runtime", "name"] => f.Eq(d => d.RuntimeName, value),
                ["labels", _, ..] => LabelEquals(string.Join('.', selector.FieldPath.Skip(1)), value),
                _ => f.Empty,
            };
        }
        return query;
    }

    private static FilterDefinition<ContainerDocument> LabelEquals(string key, string value) =>
        Builders<ContainerDocument>.Filter.ElemMatch(d => d.Labels, Builders<Pair>.Filter.Eq(p => p.K, key) & Builders<Pair>.Filter.Eq(p => p.V, value));

    private static string Key(string @namespace, string id) => @namespace + "/" + id;

    // Inside a transaction the server may report a duplicate key as a command error rather than a write error.
    private static bool IsDuplicateKey(MongoException e) => e switch
    {
        MongoWriteException w => w.WriteError.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };

    internal sealed class Pair
    {
        [BsonElement("k")] public string K { get; set; } = "";
        [BsonElement("v")] public string V { get; set; } = "";
    }

    internal sealed class ContainerDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("id")] public string Id { get; set; } = "";
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        [BsonElement("image")] public string? Image { get; set; }
        [BsonElement("runtimeName")] public string RuntimeName { get; set; } = "";
        [BsonElement("runtimeOptions")] public string? RuntimeOptions { get; set; }
        [BsonElement("spec")] public string Spec { get; set; } = "";
        [BsonElement("snapshotter")] public string? Snapshotter { get; set; }
        [BsonElement("snapshotKey")] public string? SnapshotKey { get; set; }
        [BsonElement("extensions")] public List<Pair> Extensions { get; set; } = [];
        // Ticks, not BSON dates: BSON dates keep milliseconds only, and a container must read back exactly as written.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("version")] public long Version { get; set; }

        public static ContainerDocument From(Container c) => new()
        {
            Key = Key(c.Namespace, c.Id),
            Namespace = c.Namespace,
            Id = c.Id,
            Labels = c.Labels.Select(kv => new Pair { K = kv.Key, V = kv.Value }).ToList(),
            Image = c.Image,
            RuntimeName = c.Runtime.Name,
            RuntimeOptions = c.Runtime.Options,
            Spec = c.Spec,
            Snapshotter = c.Snapshotter,
            SnapshotKey = c.SnapshotKey,
            Extensions = c.Extensions.Select(kv => new Pair { K = kv.Key, V = kv.Value }).ToList(),
            CreatedAt = c.CreatedAt.UtcTicks,
            UpdatedAt = c.UpdatedAt.UtcTicks,
            Version = c.Version,
        };

        public Container ToContainer() => new()
        {
            Namespace = Namespace,
            Id = Id,
            Labels = Labels.ToDictionary(p => p.K, p => p.V),
            Image = Image,
            Runtime = new RuntimeInfo { Name = RuntimeName, Options = RuntimeOptions },
            Spec = Spec,
            Snapshotter = Snapshotter,
            SnapshotKey = SnapshotKey,
            Extensions = Extensions.ToDictionary(p => p.K, p => p.V),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
            Version = Version,
        };
    }
}
