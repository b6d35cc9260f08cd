using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Hosting;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>The production restart store: the collection <c>task_restarts</c> of the runner's MongoDB database, keyed by namespace + container id.</summary>
public sealed class MongoRestartStore(IMongoDatabase database) : IRestartStore, IInitializableStore
{
    private readonly IMongoCollection<RestartDocument> _restarts = database.GetCollection<RestartDocument>("task_restarts");

    public string Name => "task restarts";

    // The key is namespace + container id, and the list is read whole: nothing else to index.
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<RestartState?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, containerId);
        return (await _restarts.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken))?.ToState();
    }

    public async Task<IReadOnlyList<RestartState>> ListAsync(CancellationToken cancellationToken) =>
        (await _restarts.Find(FilterDefinition<RestartDocument>.Empty)
            .Sort(Builders<RestartDocument>.Sort.Ascending(d => d.Namespace).Ascending(d => d.ContainerId))
            .ToListAsync(cancellationToken)).Select(d => d.ToState()).ToList();

    public async Task PutAsync(RestartState state, CancellationToken cancellationToken)
    {
        var document = RestartDocument.From(state);
        await _restarts.ReplaceOneAsync(d => d.Key == document.Key, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<bool> MarkStoppedAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, containerId);
        var update = Builders<RestartDocument>.Update.Set(d => d.StoppedByUser, true).Set(d => d.RestartAt, null);
        return (await _restarts.UpdateOneAsync(d => d.Key == key, update, cancellationToken: cancellationToken)).MatchedCount == 1;
    }

    public async Task<bool> DeleteAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, containerId);
        return (await _restarts.DeleteOneAsync(d => d.Key == key, cancellationToken)).DeletedCount == 1;
    }

    private static string Key(string @namespace, string containerId) => @namespace + "/" + containerId;

    internal sealed class RestartDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("containerId")] public string ContainerId { get; set; } = "";
        [BsonElement("policy")] public string Policy { get; set; } = "";
        [BsonElement("privileged")] public bool Privileged { get; set; }
        [BsonElement("restartCount")] public int RestartCount { get; set; }
        // Ticks, as the task store keeps times: a record reads back exactly as written (BSON dates keep milliseconds).
        [BsonElement("backoff")] public long Backoff { get; set; }
        [BsonElement("stoppedByUser")] public bool StoppedByUser { get; set; }
        [BsonElement("restartAt")] public long? RestartAt { get; set; }
        [BsonElement("lastExitStatus")] public int? LastExitStatus { get; set; }
        [BsonElement("lastExitedAt")] public long? LastExitedAt { get; set; }

        public static RestartDocument From(RestartState s) => new()
        {
            Key = Key(s.Namespace, s.ContainerId),
            Namespace = s.Namespace,
            ContainerId = s.ContainerId,
            Policy = s.Policy,
            Privileged = s.Privileged,
            RestartCount = s.RestartCount,
            Backoff = s.Backoff.Ticks,
            StoppedByUser = s.StoppedByUser,
            RestartAt = s.RestartAt?.UtcTicks,
            LastExitStatus = s.LastExitStatus,
            LastExitedAt = s.LastExitedAt?.UtcTicks,
        };

        public RestartState ToState() => new()
        {
            Namespace = Namespace,
            ContainerId = ContainerId,
            Policy = Policy,
            Privileged = Privileged,
            RestartCount = RestartCount,
            Backoff = TimeSpan.FromTicks(Backoff),
            StoppedByUser = StoppedByUser,
            RestartAt = RestartAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null,
            LastExitStatus = LastExitStatus,
            LastExitedAt = LastExitedAt is { } exited ? new DateTimeOffset(exited, TimeSpan.Zero) : null,
        };
    }
}
