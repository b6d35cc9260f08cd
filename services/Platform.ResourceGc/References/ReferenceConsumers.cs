using MassTransit;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.References;

public sealed class AddReferenceConsumer(ReferenceService references) : IConsumer<AddReference>
{
    public async Task Consume(ConsumeContext<AddReference> context) =>
        await context.ReplyAsync(new ReferenceResult { Resource = await references.AddAsync(context.Message, context.CancellationToken) });
}

public sealed class RemoveReferenceConsumer(ReferenceService references) : IConsumer<RemoveReference>
{
    public async Task Consume(ConsumeContext<RemoveReference> context) =>
        await context.ReplyAsync(new ReferenceResult { Resource = await references.RemoveAsync(context.Message, context.CancellationToken) });
}

/// <summary>A deleted container releases its snapshot: collected at once if nothing else keeps it.</summary>
public sealed class ContainerDeletedConsumer(ReferenceService references, Snapshotters snapshotters) : IConsumer<ContainerDeleted>
{
    public async Task Consume(ConsumeContext<ContainerDeleted> context)
    {
        var e = context.Message;
        if (e.SnapshotKey is null || e.Snapshotter is null)
            return;
        await references.ReleaseAsync(e.Namespace, snapshotters.NameOf(e.Snapshotter), e.SnapshotKey, OwnerKinds.Container, e.Id, e.CreatedAt.UtcTicks, context.CancellationToken);
    }
}

/// <summary>
/// A container moved to another snapshot: its reference on the previous one goes (the new one was added before
/// the commit). The event may arrive after the container moved back to that snapshot, whose registration then
/// renewed the same reference: only a reference registered before this update is dropped. (The update's time is
/// the metadata service's clock; the registration's, this service's: apart on two hosts, their clocks must agree
/// to within the time between two updates of one container.)
/// </summary>
public sealed class ContainerUpdatedConsumer(ReferenceService references, Snapshotters snapshotters) : IConsumer<ContainerUpdated>
{
    public async Task Consume(ConsumeContext<ContainerUpdated> context)
    {
        var e = context.Message;
        if (e.PreviousSnapshotKey is null || e.Container.Snapshotter is null)
            return;
        await references.ReleaseAsync(e.Namespace, snapshotters.NameOf(e.Container.Snapshotter), e.PreviousSnapshotKey, OwnerKinds.Container, e.Container.Id,
            e.Container.CreatedAt.UtcTicks, context.CancellationToken, registeredBefore: e.Container.UpdatedAt);
    }
}
