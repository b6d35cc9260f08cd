using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;

namespace Platform.ResourceGc.Snapshots;

// Thin adapters: expected failures become error replies in the pipeline, the unexpected go to retry and _error. Writes
// carry their command's key, so a redelivered or retried one answers what its first delivery did.

public sealed class PrepareSnapshotConsumer(SnapshotService snapshots) : IConsumer<PrepareSnapshot>
{
    public async Task Consume(ConsumeContext<PrepareSnapshot> context) =>
        await context.ReplyAsync(await snapshots.PrepareAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, $"{context.Message.Snapshotter}/{context.Message.Key}")));
}

public sealed class ViewSnapshotConsumer(SnapshotService snapshots) : IConsumer<ViewSnapshot>
{
    public async Task Consume(ConsumeContext<ViewSnapshot> context) =>
        await context.ReplyAsync(await snapshots.ViewAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, $"{context.Message.Snapshotter}/{context.Message.Key}")));
}

public sealed class GetSnapshotMountsConsumer(SnapshotService snapshots) : IConsumer<GetSnapshotMounts>
{
    public async Task Consume(ConsumeContext<GetSnapshotMounts> context) =>
        await context.ReplyAsync(await snapshots.MountsAsync(context.Message, context.CancellationToken));
}

public sealed class CommitSnapshotConsumer(SnapshotService snapshots) : IConsumer<CommitSnapshot>
{
    public async Task Consume(ConsumeContext<CommitSnapshot> context) =>
        await context.ReplyAsync(new SnapshotResult { Snapshot = await snapshots.CommitAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, $"{context.Message.Snapshotter}/{context.Message.Key}")) });
}

public sealed class RemoveSnapshotConsumer(SnapshotService snapshots) : IConsumer<RemoveSnapshot>
{
    public async Task Consume(ConsumeContext<RemoveSnapshot> context) =>
        await context.ReplyAsync(new SnapshotResult { Snapshot = await snapshots.RemoveAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, $"{context.Message.Snapshotter}/{context.Message.Key}")) });
}

public sealed class StatSnapshotConsumer(SnapshotService snapshots) : IConsumer<StatSnapshot>
{
    public async Task Consume(ConsumeContext<StatSnapshot> context) =>
        await context.ReplyAsync(new SnapshotResult { Snapshot = await snapshots.StatAsync(context.Message, context.CancellationToken) });
}

public sealed class UpdateSnapshotConsumer(SnapshotService snapshots) : IConsumer<UpdateSnapshot>
{
    public async Task Consume(ConsumeContext<UpdateSnapshot> context) =>
        await context.ReplyAsync(new SnapshotResult { Snapshot = await snapshots.UpdateAsync(context.Message, context.CancellationToken) });
}

public sealed class ListSnapshotsConsumer(SnapshotService snapshots) : IConsumer<ListSnapshots>
{
    public async Task Consume(ConsumeContext<ListSnapshots> context) =>
        await context.ReplyAsync(await snapshots.ListAsync(context.Message, context.CancellationToken));
}

public sealed class GetSnapshotUsageConsumer(SnapshotService snapshots) : IConsumer<GetSnapshotUsage>
{
    public async Task Consume(ConsumeContext<GetSnapshotUsage> context) =>
        await context.ReplyAsync(await snapshots.UsageAsync(context.Message, context.CancellationToken));
}
