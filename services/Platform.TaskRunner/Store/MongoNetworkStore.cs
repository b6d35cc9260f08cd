using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Networks;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The production network store: the collection <c>networks</c> of the runner's MongoDB database, keyed by namespace +
/// name, with unique indexes on id and bridge. Events go to the task runner's outbox (<c>tasks.outbox</c>), in the
/// same transaction when the server has them.
/// </summary>
public sealed class MongoNetworkStore(IMongoDatabase database, OutboxSignal signal) : INetworkStore, IInitializableStore
{
    private const string Kind = "network";
    private readonly IMongoCollection<NetworkDocument> _networks = database.GetCollection<NetworkDocument>("networks");
    private readonly MongoOutbox _outbox = new(database, "tasks");

    public string Name => "networks";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.InitializeAsync(cancellationToken);
        await _networks.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<NetworkDocument>(Builders<NetworkDocument>.IndexKeys.Ascending(d => d.NetworkId), new CreateIndexOptions { Unique = true, Name = "id" }),
            new CreateIndexModel<NetworkDocument>(Builders<NetworkDocument>.IndexKeys.Ascending(d => d.Bridge), new CreateIndexOptions { Unique = true, Name = "bridge" }),
            new CreateIndexModel<NetworkDocument>(
                Builders<NetworkDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Name), new CreateIndexOptions { Name = "namespace_name" }),
        ], cancellationToken);
    }

    public async Task<NetworkRecord?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, name);
        return (await _networks.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken))?.ToRecord();
    }

    public async Task<IReadOnlyList<NetworkRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var f = Builders<NetworkDocument>.Filter;
        var query = @namespace is null ? f.Empty : f.Eq(d => d.Namespace, @namespace);
        var documents = await _networks.Find(query)
            .Sort(Builders<NetworkDocument>.Sort.Ascending(d => d.Namespace).Ascending(d => d.Name))
            .ToListAsync(cancellationToken);
        return documents.Select(d => d.ToRecord()).ToList();
    }

    public async Task InsertAsync(NetworkRecord network, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.WriteAsync(async (session, ct) =>
            {
                var document = NetworkDocument.From(network);
                // The driver refuses a null session: without transactions, use the session-less overloads.
                if (session is null)
                    await _networks.InsertOneAsync(document, cancellationToken: ct);
                else
                    await _networks.InsertOneAsync(session, document, cancellationToken: ct);
                await _outbox.AppendEventAsync(session, Kind, network.Namespace, network.Name, makeEvent, ct);
                return 0;
            }, cancellationToken);
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            throw NetworkStoreChecks.AlreadyExists(network);
        }
        signal.Notify();
    }

    public async Task<bool> DeleteAsync(string @namespace, string name, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(@namespace, name);
            var result = session is null
                ? await _networks.DeleteOneAsync(d => d.Key == key && d.NetworkId == id, cancellationToken: ct)
                : await _networks.DeleteOneAsync(session, d => d.Key == key && d.NetworkId == id, cancellationToken: ct);
            if (result.DeletedCount != 1)
                return false;
            await _outbox.AppendEventAsync(session, Kind, @namespace, name, makeEvent, ct);
            return true;
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    private static string Key(string @namespace, string name) => @namespace + "/" + name;

    // Inside a transaction the server may report a duplicate key as a command error rather than a write error.
    private static bool IsDuplicateKey(MongoException e) => e switch
    {
        MongoWriteException w => w.WriteError.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };

    internal sealed class LabelDocument
    {
        [BsonElement("k")] public string K { get; set; } = "";
        [BsonElement("v")] public string V { get; set; } = "";
    }

    internal sealed class NetworkDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("name")] public string Name { get; set; } = "";
        [BsonElement("id")] public string NetworkId { get; set; } = "";
        [BsonElement("driver")] public string Driver { get; set; } = "";
        [BsonElement("subnet")] public string Subnet { get; set; } = "";
        [BsonElement("gateway")] public string Gateway { get; set; } = "";
        [BsonElement("bridge")] public string Bridge { get; set; } = "";
        // Pairs, not a document: label keys hold dots ("platform.io/..."), which field names should not.
        [BsonElement("labels")] public List<LabelDocument> Labels { get; set; } = [];
        // Ticks, as the task store keeps times: a record reads back exactly as written (BSON dates keep milliseconds).
        [BsonElement("createdAt")] public long CreatedAt { get; set; }

        public static NetworkDocument From(NetworkRecord n) => new()
        {
            Key = Key(n.Namespace, n.Name), Namespace = n.Namespace, Name = n.Name, NetworkId = n.Id, Driver = n.Driver,
            Subnet = n.Subnet, Gateway = n.Gateway, Bridge = n.Bridge,
            Labels = [.. n.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new LabelDocument { K = l.Key, V = l.Value })],
            CreatedAt = n.CreatedAt.UtcTicks,
        };

        public NetworkRecord ToRecord() => new()
        {
            Namespace = Namespace, Name = Name, Id = NetworkId, Driver = Driver, Subnet = Subnet, Gateway = Gateway, Bridge = Bridge,
            Labels = Labels.ToDictionary(l => l.K, l => l.V, StringComparer.Ordinal),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
        };
    }
}
