using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Hosting.Outbox;

namespace Platform.ResourceGc.Store;

public sealed partial class MongoResourceStore : IVolumeStore
{
    private readonly IMongoCollection<VolumeDoc> _volumes = database.GetCollection<VolumeDoc>("resources.volumes");

    private readonly IMongoCollection<VolumeUserDoc> _volumeUsers = database.GetCollection<VolumeUserDoc>("resources.volumeUsers");

    private Task InitializeVolumesAsync(CancellationToken cancellationToken) =>
        _volumeUsers.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<VolumeUserDoc>(Builders<VolumeUserDoc>.IndexKeys.Ascending(d => d.VolumeId)),
            new CreateIndexModel<VolumeUserDoc>(Builders<VolumeUserDoc>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.ContainerId)),
        ], cancellationToken);

    public async Task<VolumeRecord?> GetVolumeAsync(string ns, string name, CancellationToken cancellationToken) =>
        (await _volumes.Find(d => d.Id == VolumeId(ns, name)).FirstOrDefaultAsync(cancellationToken))?.ToRecord();

    public async Task InsertVolumeAsync(VolumeRecord record, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = VolumeId(record.Namespace, record.Name);
            if (await _volumes.Find(s!, d => d.Id == id).AnyAsync(ct))
                throw VolumeErrors.Exists(record.Namespace, record.Name);
            await _volumes.InsertOneAsync(s!, new VolumeDoc
            {
                Id = id, Namespace = record.Namespace, Name = record.Name, Labels = Pair.From(record.Labels), CreatedAt = record.CreatedAt.UtcTicks,
            }, cancellationToken: ct);
            await _outbox.AppendEventAsync(s, "volume", record.Namespace, record.Name, makeEvent, ct);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    public async Task<IReadOnlyList<VolumeRecord>> ListVolumesAsync(string ns, CancellationToken cancellationToken) =>
        (await _volumes.Find(d => d.Namespace == ns).SortBy(d => d.Name).ToListAsync(cancellationToken)).Select(d => d.ToRecord()).ToList();

    public async Task<VolumeRecord> RemoveVolumeAsync(string ns, string name, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var removed = await _outbox.WriteAsync(async (s, ct) =>
        {
            var id = VolumeId(ns, name);
            var stored = await _volumes.Find(s!, d => d.Id == id).FirstOrDefaultAsync(ct) ?? throw VolumeErrors.NotFound(ns, name);
            var users = await UsersAsync(s, id, ct);
            if (users.Count > 0)
                throw VolumeErrors.InUse(name, users);
            await _volumes.DeleteOneAsync(s!, d => d.Id == id, cancellationToken: ct);
            await _outbox.AppendEventAsync(s, "volume", ns, name, makeEvent, ct);
            return stored.ToRecord();
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    public Task AddVolumeUserAsync(string ns, string name, string containerId, long generation, CancellationToken cancellationToken) =>
        _outbox.WriteAsync(async (s, ct) =>
        {
            var id = VolumeId(ns, name);
            // Touching the volume document makes a concurrent removal's transaction conflict with this one.
            var touched = await _volumes.UpdateOneAsync(s!, d => d.Id == id, Builders<VolumeDoc>.Update.Inc(d => d.Uses, 1), cancellationToken: ct);
            if (touched.MatchedCount == 0)
                throw VolumeErrors.NotFound(ns, name);
            var userId = $"{id}\n{containerId}\n{generation}";
            await _volumeUsers.ReplaceOneAsync(s!, d => d.Id == userId, new VolumeUserDoc
            {
                Id = userId, VolumeId = id, Namespace = ns, ContainerId = containerId, Generation = generation,
            }, new ReplaceOptions { IsUpsert = true }, ct);
            return 0;
        }, cancellationToken);

    public Task ReleaseVolumeUserAsync(string ns, string containerId, long generation, CancellationToken cancellationToken) =>
        _volumeUsers.DeleteManyAsync(d => d.Namespace == ns && d.ContainerId == containerId && d.Generation == generation, cancellationToken);

    public async Task<IReadOnlyList<string>> VolumeUsersAsync(string ns, string name, CancellationToken cancellationToken) =>
        await UsersAsync(null, VolumeId(ns, name), cancellationToken);

    private async Task<List<string>> UsersAsync(IClientSessionHandle? s, string volumeId, CancellationToken ct)
    {
        var docs = s is null
            ? await _volumeUsers.Find(d => d.VolumeId == volumeId).ToListAsync(ct)
            : await _volumeUsers.Find(s, d => d.VolumeId == volumeId).ToListAsync(ct);
        return docs.Select(d => d.ContainerId).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static string VolumeId(string ns, string name) => $"{ns}\n{name}";

    internal sealed class VolumeDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("name")] public string Name { get; set; } = "";
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("uses")] public long Uses { get; set; }

        public VolumeRecord ToRecord() => new(Namespace, Name, Labels.ToDictionary(p => p.K, p => p.V), new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }

    internal sealed class VolumeUserDoc
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("volumeId")] public string VolumeId { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("containerId")] public string ContainerId { get; set; } = "";
        [BsonElement("generation")] public long Generation { get; set; }
    }
}
