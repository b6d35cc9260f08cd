using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The production task store on MongoDB: a <c>tasks</c> collection keyed by namespace + container id and a
/// <c>task_exits</c> collection keyed by namespace + container id + exec id. Each write, its retained exit and its
/// outbox event commit in one transaction (a replica set is required for that; on a standalone server writes still
/// work, but they are then not atomic with each other).
/// </summary>
public sealed class MongoTaskStore(IMongoDatabase database, OutboxSignal signal)
    : ITaskStore, IOutboxStore, IEventHistoryStore, IInitializableStore
{
    private const string Kind = "task";
    private readonly IMongoCollection<TaskDocument> _tasks = database.GetCollection<TaskDocument>("tasks");
    private readonly IMongoCollection<ExitDocument> _exits = database.GetCollection<ExitDocument>("task_exits");
    private readonly MongoOutbox _outbox = new(database, "tasks");
    private readonly MongoCommandOutcomes _outcomes = new(database, "tasks");

    public string Name => "tasks";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.InitializeAsync(cancellationToken);
        await _tasks.Indexes.CreateOneAsync(new CreateIndexModel<TaskDocument>(
            Builders<TaskDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.ContainerId),
            new CreateIndexOptions { Unique = true, Name = "namespace_container" }), cancellationToken: cancellationToken);
        await _exits.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ExitDocument>(
                Builders<ExitDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.ContainerId),
                new CreateIndexOptions { Name = "namespace_container" }),
            new CreateIndexModel<ExitDocument>(
                Builders<ExitDocument>.IndexKeys.Ascending(d => d.ExitedAt),
                new CreateIndexOptions { Name = "exited_at" }),
        ], cancellationToken);
    }

    public async Task<TaskRecord?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, containerId);
        var document = await _tasks.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public async Task<IReadOnlyList<TaskRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var f = Builders<TaskDocument>.Filter;
        var query = @namespace is null ? f.Empty : f.Eq(d => d.Namespace, @namespace);
        var documents = await _tasks.Find(query)
            .Sort(Builders<TaskDocument>.Sort.Ascending(d => d.Namespace).Ascending(d => d.ContainerId))
            .ToListAsync(cancellationToken);
        return documents.Select(d => d.ToRecord()).ToList();
    }

    public async Task CreateAsync(TaskRecord task, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        TaskStoreChecks.FirstVersion(task);
        try
        {
            await _outbox.WriteAsync(async (session, ct) =>
            {
                // The insert comes first: without a transaction, a refused create must not have forgotten any exits.
                var document = TaskDocument.From(task);
                var earlierExits = Builders<ExitDocument>.Filter.Eq(d => d.Namespace, task.Namespace)
                    & Builders<ExitDocument>.Filter.Eq(d => d.ContainerId, task.ContainerId);
                // The driver refuses a null session: without transactions, use the session-less overloads.
                if (session is null)
                {
                    await _tasks.InsertOneAsync(document, cancellationToken: ct);
                    await _exits.DeleteManyAsync(earlierExits, ct);
                }
                else
                {
                    await _tasks.InsertOneAsync(session, document, cancellationToken: ct);
                    await _exits.DeleteManyAsync(session, earlierExits, cancellationToken: ct);
                }
                await AppendEventAsync(session, task.Namespace, task.ContainerId, makeEvent, ct);
                if (outcome is not null)
                    await _outcomes.RecordAsync(session, outcome, ct);
                return true;
            }, cancellationToken);
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            throw TaskStoreChecks.AlreadyExists(task);
        }
        signal.Notify();
    }

    public Task<bool> UpdateAsync(TaskRecord task, long expectedVersion, EventFactory? makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        ReplaceAsync(task, expectedVersion, exit: null, makeEvent, cancellationToken, outcome);

    public Task<bool> RecordExitAsync(TaskRecord task, long expectedVersion, ExitRecord exit, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        TaskStoreChecks.SameTask(task, exit);
        return ReplaceAsync(task, expectedVersion, exit, makeEvent, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string @namespace, string containerId, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(@namespace, containerId);
            var result = session is null
                ? await _tasks.DeleteOneAsync(d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct)
                : await _tasks.DeleteOneAsync(session, d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct);
            return result.DeletedCount == 1 && await AppendEventAsync(session, @namespace, containerId, makeEvent, ct);
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    public async Task<ExitRecord?> GetExitAsync(string @namespace, string containerId, string? execId, CancellationToken cancellationToken)
    {
        var key = ExitKey(@namespace, containerId, execId);
        var document = await _exits.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRecord();
    }

    public async Task<int> PruneExitsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ticks = before.UtcTicks;
        var result = await _exits.DeleteManyAsync(d => d.ExitedAt < ticks, cancellationToken);
        return (int)result.DeletedCount;
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _outbox.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _outbox.MarkPublishedAsync(records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        _outbox.History.ReadAsync(after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        _outbox.History.FindAsync(eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        _outbox.History.PruneAsync(olderThan, keepAtMost, cancellationToken);

    /// <summary>The version-conditioned replace behind both updates; with an exit, keeps it in the same transaction.</summary>
    private async Task<bool> ReplaceAsync(TaskRecord task, long expectedVersion, ExitRecord? exit, EventFactory? makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        TaskStoreChecks.NextVersion(task, expectedVersion);
        var written = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(task.Namespace, task.ContainerId);
            var document = TaskDocument.From(task);
            var result = session is null
                ? await _tasks.ReplaceOneAsync(d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct)
                : await _tasks.ReplaceOneAsync(session, d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct);
            if (result.MatchedCount != 1)
                return false;
            if (exit is not null)
            {
                var kept = ExitDocument.From(exit);
                var upsert = new ReplaceOptions { IsUpsert = true };
                if (session is null)
                    await _exits.ReplaceOneAsync(d => d.Key == kept.Key, kept, upsert, ct);
                else
                    await _exits.ReplaceOneAsync(session, d => d.Key == kept.Key, kept, upsert, ct);
            }
            if (makeEvent is not null)
                await AppendEventAsync(session, task.Namespace, task.ContainerId, makeEvent, ct);
            if (outcome is not null)
                await _outcomes.RecordAsync(session, outcome, ct);
            return true;
        }, cancellationToken);
        if (written && makeEvent is not null)
            signal.Notify();
        return written;
    }

    private async Task<bool> AppendEventAsync(IClientSessionHandle? session, string @namespace, string containerId, EventFactory makeEvent, CancellationToken ct)
    {
        await _outbox.AppendEventAsync(session, Kind, @namespace, containerId, makeEvent, ct);
        return true;
    }

    private static string Key(string @namespace, string containerId) => @namespace + "/" + containerId;

    // The init process has no exec id; exec ids are identifiers, never empty, so "" cannot collide with one.
    private static string ExitKey(string @namespace, string containerId, string? execId) => Key(@namespace, containerId) + "/" + (execId ?? "");

    // Inside a transaction the server may report a duplicate key as a command error rather than a write error.
    private static bool IsDuplicateKey(MongoException e) => e switch
    {
        MongoWriteException w => w.WriteError.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    internal sealed class ExecDocument
    {
        [BsonElement("execId")] public string ExecId { get; set; } = "";
        [BsonElement("pid")] public int Pid { get; set; }
        [BsonElement("status")] public TaskState Status { get; set; }
        [BsonElement("exitStatus")] public int? ExitStatus { get; set; }
        [BsonElement("exitedAt")] public long? ExitedAt { get; set; }

        public static ExecDocument From(ExecRecord e) => new()
        {
            ExecId = e.ExecId, Pid = e.Pid, Status = e.Status, ExitStatus = e.ExitStatus, ExitedAt = e.ExitedAt?.UtcTicks,
        };

        public ExecRecord ToRecord() => new()
        {
            ExecId = ExecId, Pid = Pid, Status = Status, ExitStatus = ExitStatus, ExitedAt = ExitedAt is { } t ? FromTicks(t) : null,
        };
    }

    internal sealed class TaskDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("containerId")] public string ContainerId { get; set; } = "";
        [BsonElement("runtime")] public string Runtime { get; set; } = "";
        [BsonElement("status")] public TaskState Status { get; set; }
        [BsonElement("pid")] public int Pid { get; set; }
        [BsonElement("snapshotter")] public string? Snapshotter { get; set; }
        [BsonElement("snapshotKey")] public string? SnapshotKey { get; set; }
        // Ticks, not BSON dates: BSON dates keep milliseconds only, and a task must read back exactly as written.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("startedAt")] public long? StartedAt { get; set; }
        [BsonElement("exitStatus")] public int? ExitStatus { get; set; }
        [BsonElement("exitedAt")] public long? ExitedAt { get; set; }
        [BsonElement("execs")] public List<ExecDocument> Execs { get; set; } = [];
        [BsonElement("version")] public long Version { get; set; }
        [BsonElement("privileged")] public bool Privileged { get; set; }
        [BsonElement("health")] public string? Health { get; set; }

        public static TaskDocument From(TaskRecord t) => new()
        {
            Key = Key(t.Namespace, t.ContainerId),
            Namespace = t.Namespace,
            ContainerId = t.ContainerId,
            Runtime = t.Runtime,
            Status = t.Status,
            Pid = t.Pid,
            Snapshotter = t.Snapshotter,
            SnapshotKey = t.SnapshotKey,
            CreatedAt = t.CreatedAt.UtcTicks,
            StartedAt = t.StartedAt?.UtcTicks,
            ExitStatus = t.ExitStatus,
            ExitedAt = t.ExitedAt?.UtcTicks,
            Execs = t.Execs.Select(ExecDocument.From).ToList(),
            Version = t.Version,
            Privileged = t.Privileged,
            Health = HealthColumn.Write(t),
        };

        public TaskRecord ToRecord() => new TaskRecord
        {
            Namespace = Namespace,
            ContainerId = ContainerId,
            Runtime = Runtime,
            Status = Status,
            Pid = Pid,
            Snapshotter = Snapshotter,
            SnapshotKey = SnapshotKey,
            CreatedAt = FromTicks(CreatedAt),
            StartedAt = StartedAt is { } started ? FromTicks(started) : null,
            ExitStatus = ExitStatus,
            ExitedAt = ExitedAt is { } exited ? FromTicks(exited) : null,
            Execs = Execs.Select(e => e.ToRecord()).ToList(),
            Version = Version,
            Privileged = Privileged,
        }.WithHealth(Health);
    }

    internal sealed class ExitDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("containerId")] public string ContainerId { get; set; } = "";
        [BsonElement("execId")] public string? ExecId { get; set; }
        [BsonElement("pid")] public int Pid { get; set; }
        [BsonElement("exitStatus")] public int? ExitStatus { get; set; }
        [BsonElement("exitedAt")] public long ExitedAt { get; set; }
        [BsonElement("oomKilled")] [BsonIgnoreIfDefault] public bool OomKilled { get; set; }
        [BsonElement("runtime")] [BsonIgnoreIfNull] public string? Runtime { get; set; }
        [BsonElement("createdAt")] [BsonIgnoreIfNull] public long? CreatedAt { get; set; }
        [BsonElement("startedAt")] [BsonIgnoreIfNull] public long? StartedAt { get; set; }

        public static ExitDocument From(ExitRecord e) => new()
        {
            Key = ExitKey(e.Namespace, e.ContainerId, e.ExecId),
            Namespace = e.Namespace,
            ContainerId = e.ContainerId,
            ExecId = e.ExecId,
            Pid = e.Pid,
            ExitStatus = e.ExitStatus,
            ExitedAt = e.ExitedAt.UtcTicks,
            OomKilled = e.OomKilled,
            Runtime = e.Runtime,
            CreatedAt = e.CreatedAt?.UtcTicks,
            StartedAt = e.StartedAt?.UtcTicks,
        };

        public ExitRecord ToRecord() => new(Namespace, ContainerId, ExecId, Pid, ExitStatus, FromTicks(ExitedAt), OomKilled,
            Runtime, CreatedAt is { } created ? FromTicks(created) : null, StartedAt is { } started ? FromTicks(started) : null);
    }
}
