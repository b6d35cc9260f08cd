using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Metadata.Containers;

/// <summary>
/// Registers a container's snapshot reference with the resource GC service over the bus, before the
/// container is committed; NotFound from it (no such snapshot) reaches the caller unchanged.
/// </summary>
public sealed class BusSnapshotReferences(PlatformClient client) : ISnapshotReferences
{
    public async Task AddAsync(Container container, CancellationToken cancellationToken)
    {
        if (container.SnapshotKey is null)
            return;
        await client.RequestAsync<AddReference, ReferenceResult>(QueueNamesOf.AddReference, new AddReference
        {
            Namespace = container.Namespace, Resource = Snapshot(container), OwnerKind = "container", OwnerId = container.Id, OwnerGeneration = container.CreatedAt.UtcTicks,
        }, cancellationToken);
    }

    public async Task RemoveAsync(Container container, CancellationToken cancellationToken)
    {
        if (container.SnapshotKey is null)
            return;
        await client.RequestAsync<RemoveReference, ReferenceResult>(QueueNamesOf.RemoveReference, new RemoveReference
        {
            Namespace = container.Namespace, Resource = Snapshot(container), OwnerKind = "container", OwnerId = container.Id, OwnerGeneration = container.CreatedAt.UtcTicks,
        }, cancellationToken);
    }

    private static ResourceRef Snapshot(Container c) => new() { Kind = "snapshot", Snapshotter = c.Snapshotter, Key = c.SnapshotKey! };

    private static class QueueNamesOf
    {
        public static readonly string AddReference = Platform.Contracts.QueueNames.Of<AddReference>();
        public static readonly string RemoveReference = Platform.Contracts.QueueNames.Of<RemoveReference>();
    }
}
