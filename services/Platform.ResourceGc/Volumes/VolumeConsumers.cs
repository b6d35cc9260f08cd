using MassTransit;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;

namespace Platform.ResourceGc.Volumes;

public sealed class CreateVolumeConsumer(VolumeService volumes) : IConsumer<CreateVolume>
{
    public async Task Consume(ConsumeContext<CreateVolume> context) =>
        await context.ReplyAsync(new VolumeResult { Volume = await volumes.CreateAsync(context.Message, context.CancellationToken) });
}

public sealed class GetVolumeConsumer(VolumeService volumes) : IConsumer<GetVolume>
{
    public async Task Consume(ConsumeContext<GetVolume> context) =>
        await context.ReplyAsync(new VolumeResult { Volume = await volumes.GetAsync(context.Message, context.CancellationToken) });
}

public sealed class ListVolumesConsumer(VolumeService volumes) : IConsumer<ListVolumes>
{
    public async Task Consume(ConsumeContext<ListVolumes> context) =>
        await context.ReplyAsync(await volumes.ListAsync(context.Message, context.CancellationToken));
}

public sealed class RemoveVolumeConsumer(VolumeService volumes) : IConsumer<RemoveVolume>
{
    public async Task Consume(ConsumeContext<RemoveVolume> context) =>
        await context.ReplyAsync(new VolumeResult { Volume = await volumes.RemoveAsync(context.Message, context.CancellationToken) });
}

public sealed class PruneVolumesConsumer(VolumeService volumes) : IConsumer<PruneVolumes>
{
    public async Task Consume(ConsumeContext<PruneVolumes> context) =>
        await context.ReplyAsync(await volumes.PruneAsync(context.Message, context.CancellationToken));
}

/// <summary>A new container that mounts volumes of its namespace uses them from now on (see <see cref="VolumeUses"/>).</summary>
public sealed class ContainerCreatedVolumesConsumer(VolumeUses uses) : IConsumer<ContainerCreated>
{
    public Task Consume(ConsumeContext<ContainerCreated> context) => uses.AddAsync(context.Message.Container, context.CancellationToken);
}

/// <summary>A deleted container uses no volume any more.</summary>
public sealed class ContainerDeletedVolumesConsumer(VolumeUses uses) : IConsumer<ContainerDeleted>
{
    public Task Consume(ConsumeContext<ContainerDeleted> context) =>
        uses.ReleaseAsync(context.Message.Namespace, context.Message.Id, context.Message.CreatedAt.UtcTicks, context.CancellationToken);
}
