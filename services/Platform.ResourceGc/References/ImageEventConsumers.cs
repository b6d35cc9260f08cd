using MassTransit;
using Platform.Contracts.Images;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.References;

/// <summary>A deleted image releases its target: what nothing else keeps (manifest, config, layers, snapshot chain) is collected at once.</summary>
public sealed class ImageDeletedConsumer(ReferenceService references) : IConsumer<ImageDeleted>
{
    public async Task Consume(ConsumeContext<ImageDeleted> context)
    {
        var e = context.Message;
        await references.ReleaseAllAsync(e.Namespace, ResourceSpaces.Content, e.Target.Digest, OwnerKinds.Image, e.Name, e.CreatedAt.UtcTicks, context.CancellationToken);
    }
}

/// <summary>
/// An image moved to another target: it gives back the hold it took on the previous one (the new one was referenced
/// before the commit). One hold only, so a move back that took its own hold in between keeps it; the event id makes a
/// redelivered event count once.
/// </summary>
public sealed class ImageUpdatedConsumer(ReferenceService references) : IConsumer<ImageUpdated>
{
    public async Task Consume(ConsumeContext<ImageUpdated> context)
    {
        var e = context.Message;
        if (e.PreviousTarget is null)
            return;
        await references.ReleaseOnceAsync(e.Namespace, ResourceSpaces.Content, e.PreviousTarget.Digest, OwnerKinds.Image, e.Image.Name,
            e.Image.CreatedAt.UtcTicks, e.EventId, context.CancellationToken);
    }
}
