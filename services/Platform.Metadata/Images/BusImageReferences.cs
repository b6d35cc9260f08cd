using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Images;
using Platform.Contracts.Resources;

namespace Platform.Metadata.Images;

/// <summary>
/// Registers an image's content reference with the resource GC service over the bus, before the image is committed;
/// NotFound from it (no such content) reaches the caller unchanged, so no image points at missing content. The
/// references an update moved away from, or a delete dropped, are released by the resource GC service when it sees
/// <see cref="ImageUpdated.PreviousTarget"/> or <see cref="ImageDeleted"/>.
/// </summary>
public sealed class BusImageReferences(PlatformClient client) : IImageReferences
{
    public const string OwnerKind = "image";
    public const string ContentKind = "content";

    private static readonly string AddQueue = QueueNames.Of<AddReference>();
    private static readonly string RemoveQueue = QueueNames.Of<RemoveReference>();

    public Task AddAsync(Image image, CancellationToken cancellationToken) =>
        client.RequestAsync<AddReference, ReferenceResult>(AddQueue, new AddReference
        {
            Namespace = image.Namespace, Resource = Content(image), OwnerKind = OwnerKind, OwnerId = image.Name, OwnerGeneration = image.CreatedAt.UtcTicks,
        }, cancellationToken);

    public Task RemoveAsync(Image image, CancellationToken cancellationToken) =>
        client.RequestAsync<RemoveReference, ReferenceResult>(RemoveQueue, new RemoveReference
        {
            Namespace = image.Namespace, Resource = Content(image), OwnerKind = OwnerKind, OwnerId = image.Name, OwnerGeneration = image.CreatedAt.UtcTicks,
        }, cancellationToken);

    private static ResourceRef Content(Image image) => new() { Kind = ContentKind, Key = image.Target.Digest };
}
