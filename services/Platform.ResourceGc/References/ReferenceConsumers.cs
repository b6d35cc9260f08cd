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
        await context.ReplyAsync(new ReferenceResult { Resource = await references.AddAsync(context.Message, context.MessageId, context.CancellationToken) });
}

public sealed class RemoveReferenceConsumer(ReferenceService references) : IConsumer<RemoveReference>
{
    public async Task Consume(ConsumeContext<RemoveReference> context) =>
        await context.ReplyAsync(new ReferenceResult { Resource = await references.RemoveAsync(context.Message, context.MessageId, context.CancellationToken) });
}

/// <summary>A deleted container releases its snapshot: collected at once if nothing else keeps it.</summary>
public sealed class ContainerDeletedConsumer(ReferenceService references, Snapshotters snapshotters) : IConsumer<ContainerDeleted>
{
    public async Task Consume(ConsumeContext<ContainerDeleted> context)
    {
        var e = context.Message;
        if (e.SnapshotKey is null || e.Snapshotter is null)
            return;
        await references.ReleaseAllAsync(e.Namespace, snapshotters.NameOf(e.Snapshotter), e.SnapshotKey, OwnerKinds.Container, e.Id, e.CreatedAt.UtcTicks, context.CancellationToken);
    }
}

/// <summary>
/// A container moved to another snapshot: it gives back the hold it took on the previous one for an earlier commit
/// (the new one was added before this commit). One hold only: a later move back took its own. The event id makes a
/// redelivered event count once.
/// </summary>
public sealed class ContainerUpdatedConsumer(ReferenceService references, Snapshotters snapshotters) : IConsumer<ContainerUpdated>
{
    public async Task Consume(ConsumeContext<ContainerUpdated> context)
    {
        var e = context.Message;
        if (e.PreviousSnapshotKey is null || e.Container.Snapshotter is null)
            return;
        await references.ReleaseOnceAsync(e.Namespace, snapshotters.NameOf(e.Container.Snapshotter), e.PreviousSnapshotKey, OwnerKinds.Container, e.Container.Id,
            e.Container.CreatedAt.UtcTicks, e.EventId, context.CancellationToken);
    }
}
