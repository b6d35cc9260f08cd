using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Filters;
using Platform.Contracts.Images;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Images;

namespace Platform.Metadata.Store;

/// <summary>
/// The production image store on MongoDB: the collection <c>images</c> in the metadata service's database, beside
/// <c>containers</c>, appending to the same <c>metadata.outbox</c> and <c>metadata.sequences</c> collections, so the one
/// relay that reads the metadata outbox publishes image events too. Labels are {k, v} pairs as for containers. Each write
/// and its event commit in one transaction on a replica set; on a standalone server they run in order without one.
/// </summary>
public sealed class MongoImageStore(IMongoDatabase database, OutboxSignal signal)
    : IImageStore, IOutboxStore, IInitializableStore
{
    private const string Kind = "image";
    private readonly IMongoCollection<ImageDocument> _images = database.GetCollection<ImageDocument>("images");
    private readonly MongoOutbox _outbox = new(database, "metadata");

    public string Name => "metadata images";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _outbox.InitializeAsync(cancellationToken);
        await _images.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ImageDocument>(
                Builders<ImageDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.Name),
                new CreateIndexOptions { Unique = true, Name = "namespace_name" }),
            new CreateIndexModel<ImageDocument>(
                Builders<ImageDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending(d => d.TargetDigest),
                new CreateIndexOptions { Name = "namespace_target_digest" }),
            new CreateIndexModel<ImageDocument>(
                Builders<ImageDocument>.IndexKeys.Ascending(d => d.Namespace).Ascending("labels.k").Ascending("labels.v"),
                new CreateIndexOptions { Name = "namespace_labels" }),
        ], cancellationToken);
    }

    public async Task<Image?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = Key(@namespace, name);
        var document = await _images.Find(d => d.Key == key).FirstOrDefaultAsync(cancellationToken);
        return document?.ToImage();
    }

    public async Task<ImagePage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var f = Builders<ImageDocument>.Filter;
        var query = f.Eq(d => d.Namespace, @namespace) & f.Gt(d => d.Name, after ?? "");
        if (filters.Filters.Count == 1)
            query &= Pushdown(filters.Filters[0]);

        var page = new PageCollector<Image>(limit, i => filters.Match(new ImageFields(i)), i => i.Name);
        using var cursor = await _images.Find(query).Sort(Builders<ImageDocument>.Sort.Ascending(d => d.Name))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
            if (!cursor.Current.All(document => page.Offer(document.ToImage())))
                break;
        return new ImagePage(page.Items, page.After);
    }

    public async Task CreateAsync(Image image, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.WriteAsync(async (session, ct) =>
            {
                // The driver refuses a null session: without transactions, use the session-less overloads.
                if (session is null)
                    await _images.InsertOneAsync(ImageDocument.From(image), cancellationToken: ct);
                else
                    await _images.InsertOneAsync(session, ImageDocument.From(image), cancellationToken: ct);
                return await AppendEventAsync(session, image.Namespace, image.Name, makeEvent, ct);
            }, cancellationToken);
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            throw ImageRules.AlreadyExists(image.Namespace, image.Name);
        }
        signal.Notify();
    }

    public async Task<bool> UpdateAsync(Image image, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var written = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(image.Namespace, image.Name);
            var document = ImageDocument.From(image);
            var result = session is null
                ? await _images.ReplaceOneAsync(d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct)
                : await _images.ReplaceOneAsync(session, d => d.Key == key && d.Version == expectedVersion, document, cancellationToken: ct);
            return result.MatchedCount == 1 && await AppendEventAsync(session, image.Namespace, image.Name, makeEvent, ct);
        }, cancellationToken);
        if (written)
            signal.Notify();
        return written;
    }

    public async Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await _outbox.WriteAsync(async (session, ct) =>
        {
            var key = Key(@namespace, name);
            var result = session is null
                ? await _images.DeleteOneAsync(d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct)
                : await _images.DeleteOneAsync(session, d => d.Key == key && d.Version == expectedVersion, cancellationToken: ct);
            return result.DeletedCount == 1 && await AppendEventAsync(session, @namespace, name, makeEvent, ct);
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    // The same outbox collection as the container store's: tests read it here; the service registers only one relay source.
    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _outbox.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _outbox.MarkPublishedAsync(records, cancellationToken);

    private async Task<bool> AppendEventAsync(IClientSessionHandle? session, string @namespace, string name, EventFactory makeEvent, CancellationToken ct)
    {
        await _outbox.AppendEventAsync(session, Kind, @namespace, name, makeEvent, ct);
        return true;
    }

    private static FilterDefinition<ImageDocument> Pushdown(Filter filter)
    {
        var f = Builders<ImageDocument>.Filter;
        var query = f.Empty;
        foreach (var selector in filter.Selectors)
        {
            if (selector.Operator != SelectorOperator.Equal)
                continue;
            var value = selector.Value;
            query &= selector.FieldPath switch
            {
                ["name"] => f.Eq(d => d.Name, value),
                ["target", "digest"] => f.Eq(d => d.TargetDigest, value),
                ["target", "mediatype"] => f.Eq(d => d.TargetMediaType, value),
                ["labels", _, ..] => LabelEquals(string.Join('.', selector.FieldPath.Skip(1)), value),
                _ => f.Empty,
            };
        }
        return query;
    }

    private static FilterDefinition<ImageDocument> LabelEquals(string key, string value) =>
        Builders<ImageDocument>.Filter.ElemMatch(d => d.Labels, Builders<Pair>.Filter.Eq(p => p.K, key) & Builders<Pair>.Filter.Eq(p => p.V, value));

    // Namespaces never hold a '/', so the first one separates the namespace from the name (which may hold several).
    private static string Key(string @namespace, string name) => @namespace + "/" + name;

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

    internal sealed class ImageDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("name")] public string Name { get; set; } = "";
        [BsonElement("targetMediaType")] public string TargetMediaType { get; set; } = "";
        [BsonElement("targetDigest")] public string TargetDigest { get; set; } = "";
        [BsonElement("targetSize")] public long TargetSize { get; set; }
        [BsonElement("labels")] public List<Pair> Labels { get; set; } = [];
        // Ticks, not BSON dates: BSON dates keep milliseconds only, and an image must read back exactly as written.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("version")] public long Version { get; set; }

        public static ImageDocument From(Image i) => new()
        {
            Key = Key(i.Namespace, i.Name),
            Namespace = i.Namespace,
            Name = i.Name,
            TargetMediaType = i.Target.MediaType,
            TargetDigest = i.Target.Digest,
            TargetSize = i.Target.Size,
            Labels = i.Labels.Select(kv => new Pair { K = kv.Key, V = kv.Value }).ToList(),
            CreatedAt = i.CreatedAt.UtcTicks,
            UpdatedAt = i.UpdatedAt.UtcTicks,
            Version = i.Version,
        };

        public Image ToImage() => new()
        {
            Namespace = Namespace,
            Name = Name,
            Target = new Descriptor { MediaType = TargetMediaType, Digest = TargetDigest, Size = TargetSize },
            Labels = Labels.ToDictionary(p => p.K, p => p.V),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
            Version = Version,
        };
    }
}
