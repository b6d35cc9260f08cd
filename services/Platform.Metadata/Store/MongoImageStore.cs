using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Common.Filters;
using Platform.Contracts.Images;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
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
    private readonly MongoVersionedCollection<Image, ImageDocument> _images = new(
        database, signal, collection: "images", kind: "image", keyField: "name",
        i => (i.Namespace, i.Name), ImageDocument.From, d => d.ToImage(), FieldEquals,
        (filters, i) => filters.Match(new ImageFields(i)), ImageRules.AlreadyExists);

    public string Name => "metadata images";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _images.InitializeOutboxAsync(cancellationToken);
        await _images.Documents.Indexes.CreateManyAsync(
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

    public Task<Image?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _images.GetAsync(@namespace, name, cancellationToken);

    public async Task<ImagePage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var (images, next) = await _images.ListAsync(@namespace, filters, limit, after, cancellationToken);
        return new ImagePage(images, next);
    }

    public Task CreateAsync(Image image, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _images.CreateAsync(image, makeEvent, cancellationToken, outcome);

    public Task<bool> UpdateAsync(Image image, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _images.UpdateAsync(image, expectedVersion, makeEvent, cancellationToken, outcome);

    public Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _images.DeleteAsync(@namespace, name, expectedVersion, makeEvent, cancellationToken, outcome: outcome);

    // The same outbox collection as the container store's: tests read it here; the service registers only one relay source.
    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _images.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _images.MarkPublishedAsync(records, cancellationToken);

    // Equality on the image's own fields; labels are the collection's.
    private static FilterDefinition<ImageDocument>? FieldEquals(IReadOnlyList<string> path, string value)
    {
        var f = Builders<ImageDocument>.Filter;
        return path switch
        {
            ["name"] => f.Eq(d => d.Name, value),
            ["target", "digest"] => f.Eq(d => d.TargetDigest, value),
            ["target", "mediatype"] => f.Eq(d => d.TargetMediaType, value),
            _ => null,
        };
    }

    internal sealed class ImageDocument
    {
        [BsonId] public string Key { get; set; } = "";
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("name")] public string Name { get; set; } = "";
        [BsonElement("targetMediaType")] public string TargetMediaType { get; set; } = "";
        [BsonElement("targetDigest")] public string TargetDigest { get; set; } = "";
        [BsonElement("targetSize")] public long TargetSize { get; set; }
        [BsonElement("labels")] public List<PairDocument> Labels { get; set; } = [];
        // Ticks, not BSON dates: BSON dates keep milliseconds only, and an image must read back exactly as written.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }
        [BsonElement("version")] public long Version { get; set; }

        public static ImageDocument From(Image i) => new()
        {
            Key = MongoVersionedCollection.Key(i.Namespace, i.Name),
            Namespace = i.Namespace,
            Name = i.Name,
            TargetMediaType = i.Target.MediaType,
            TargetDigest = i.Target.Digest,
            TargetSize = i.Target.Size,
            Labels = PairDocument.From(i.Labels),
            CreatedAt = i.CreatedAt.UtcTicks,
            UpdatedAt = i.UpdatedAt.UtcTicks,
            Version = i.Version,
        };

        public Image ToImage() => new()
        {
            Namespace = Namespace,
            Name = Name,
            Target = new Descriptor { MediaType = TargetMediaType, Digest = TargetDigest, Size = TargetSize },
            Labels = PairDocument.ToDictionary(Labels),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
            Version = Version,
        };
    }
}
