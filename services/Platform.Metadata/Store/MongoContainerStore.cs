using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Store;

/// <summary>
/// The production container store on MongoDB. Labels are stored as an array of {k, v} pairs, so any label
/// key (dots and dollars included) is safe and equality selectors become indexed <c>$elemMatch</c> queries.
/// Each write and its outbox event commit in one transaction (a replica set is required for that; on a
/// standalone server writes still work, but an event is then not atomic with its change).
/// </summary>
public sealed class MongoContainerStore(IMongoDatabase database, OutboxSignal signal)
    : IContainerStore, IOutboxStore, IEventHistoryStore, IInitializableStore
{
    private readonly MongoVersionedCollection<Container, ContainerDocument> _containers = new(
        database, signal, collection: "containers", kind: "container", keyField: "id",
        c => (c.Namespace, c.Id), ContainerDocument.From, d => d.ToContainer(), FieldEquals,
        (filters, c) => filters.Match(new ContainerFields(c)), ContainerRules.AlreadyExists, keptOnUpdate: [TaskHoldField]);

    // Missing from documents written before task holds: "unknown", so their deletion asks the task runner.
    private const string TaskHoldField = "taskHold";

    private static readonly FilterDefinitionBuilder<ContainerDocument> F = Builders<ContainerDocument>.Filter;

    public string Name => "metadata";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _containers.InitializeOutboxAsync(cancellationToken);
        await _containers.Documents.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ContainerDocument>(
                Builders<ContainerDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Id),
                new CreateIndexOptions { Unique = true, Name = "namespace_id" }),
            new CreateIndexModel<ContainerDocument>(
                Builders<ContainerDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending("labels.k").Ascending("labels.v"),
                new CreateIndexOptions { Name = "namespace_labels" }),
        ], cancellationToken);
    }

    public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        _containers.GetAsync(@namespace, id, cancellationToken);

    public async Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var (containers, next) = await _containers.ListAsync(@namespace, filters, limit, after, cancellationToken);
        return new ContainerPage(containers, next);
    }

    public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _containers.CreateAsync(container, makeEvent, cancellationToken, outcome);

    public Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _containers.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken, outcome);

    public Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent,
        CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _containers.DeleteAsync(@namespace, id, expectedVersion, makeEvent, cancellationToken, condition: HoldIs(expectedHold), outcome);

    public async Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        var document = await _containers.Documents.Find(ById(@namespace, id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : (document.ToContainer(), HoldOf(document));
    }

    public async Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation);
        // One document, one atomic find-and-modify: a deletion (which checks the hold) matches either before it (nothing
        // left to find: null) or not at all after it.
        var document = await _containers.Documents.FindOneAndUpdateAsync(ById(@namespace, id),
            Builders<ContainerDocument>.Update.Set(d => d.TaskHold, generation),
            new FindOneAndUpdateOptions<ContainerDocument> { ReturnDocument = ReturnDocument.After }, cancellationToken);
        return document?.ToContainer();
    }

    public async Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        var result = await _containers.Documents.UpdateOneAsync(ById(@namespace, id) & F.Eq(d => d.TaskHold, generation),
            Builders<ContainerDocument>.Update.Set(d => d.TaskHold, TaskHold.None.Generation), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    private static FilterDefinition<ContainerDocument> ById(string @namespace, string id) => F.Eq("_id", MongoVersionedCollection.Key(@namespace, id));

    private static TaskHold HoldOf(ContainerDocument d) => d.TaskHold is { } g ? new TaskHold(g) : TaskHold.Unknown;

    private static FilterDefinition<ContainerDocument> HoldIs(TaskHold hold) =>
        hold == TaskHold.Unknown
            ? F.Exists(TaskHoldField, false) | F.Eq(d => d.TaskHold, hold.Generation)
            : F.Eq(d => d.TaskHold, hold.Generation);

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _containers.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _containers.MarkPublishedAsync(records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        _containers.History.ReadAsync(after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        _containers.History.FindAsync(eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        _containers.History.PruneAsync(olderThan, keepAtMost, cancellationToken);

    // Equality on the container's own fields; labels are the collection's.
    private static FilterDefinition<ContainerDocument>? FieldEquals(IReadOnlyList<string> path, string value)
    {
        var f = Builders<ContainerDocument>.Filter;
        return path switch
        {
            ["id"] => f.Eq(d => d.Id, value),
            ["image"] => f.Eq(d => d.Image, value),
            ["runtime", "name"] => f.Eq(d => d.RuntimeName, value),
            _ => null,
        };
    }

    internal sealed class ContainerDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("id")] public string Id { get; set; } = "";
        [BsonElement("labels")] public List<PairDocument> Labels { get; set; } = [];
        [BsonElement("image")] public string? Image { get; set; }
        [BsonElement("runtimeName")] public string RuntimeName { get; set; } = "";
        [BsonElement("runtimeOptions")] public string? RuntimeOptions { get; set; }
        [BsonElement("spec")] public string Spec { get; set; } = "";
        [BsonElement("snapshotter")] public string? Snapshotter { get; set; }
        [BsonElement("snapshotKey")] public string? SnapshotKey { get; set; }
        [BsonElement("extensions")] public List<PairDocument> Extensions { get; set; } = [];
        // Ticks, not BSON dates: BSON dates keep milliseconds only, and a container must read back exactly as written.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("version")] public long Version { get; set; }
        // Never part of the Container: see TaskHold. Null (absent) in documents written before holds were recorded.
        [BsonElement(TaskHoldField), BsonIgnoreIfNull] public long? TaskHold { get; set; }

        public static ContainerDocument From(Container c) => new()
        {
            Key = MongoVersionedCollection.Key(c.Namespace, c.Id),
            Namespace = c.Namespace,
            Id = c.Id,
            Labels = PairDocument.From(c.Labels),
            Image = c.Image,
            RuntimeName = c.Runtime.Name,
            RuntimeOptions = c.Runtime.Options,
            Spec = c.Spec,
            Snapshotter = c.Snapshotter,
            SnapshotKey = c.SnapshotKey,
            Extensions = PairDocument.From(c.Extensions),
            CreatedAt = c.CreatedAt.UtcTicks,
            UpdatedAt = c.UpdatedAt.UtcTicks,
            Version = c.Version,
            // A new container has no task; an update keeps the stored hold (the field is not set by updates).
            TaskHold = Store.TaskHold.None.Generation,
        };

        public Container ToContainer() => new()
        {
            Namespace = Namespace,
            Id = Id,
            Labels = PairDocument.ToDictionary(Labels),
            Image = Image,
            Runtime = new RuntimeInfo { Name = RuntimeName, Options = RuntimeOptions },
            Spec = Spec,
            Snapshotter = Snapshotter,
            SnapshotKey = SnapshotKey,
            Extensions = PairDocument.ToDictionary(Extensions),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
            Version = Version,
        };
    }
}
