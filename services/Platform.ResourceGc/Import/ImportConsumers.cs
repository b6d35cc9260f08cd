using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.ResourceGc.Import;

public sealed class BeginSnapshotImportConsumer(ImportSessions imports) : IConsumer<BeginSnapshotImport>
{
    public async Task Consume(ConsumeContext<BeginSnapshotImport> context) =>
        await context.ReplyAsync(await imports.BeginAsync(context.Message, context.GetCaller(), context.CancellationToken));
}

public sealed class SnapshotImportChunkConsumer(ImportSessions imports) : IConsumer<SnapshotImportChunk>
{
    public async Task Consume(ConsumeContext<SnapshotImportChunk> context) =>
        await context.ReplyAsync(await imports.AppendAsync(context.Message, context.GetCaller(), context.CancellationToken));
}

public sealed class CompleteSnapshotImportConsumer(ImportSessions imports) : IConsumer<CompleteSnapshotImport>
{
    public async Task Consume(ConsumeContext<CompleteSnapshotImport> context) =>
        await context.ReplyAsync(new SnapshotResult { Snapshot = await imports.CompleteAsync(context.Message, context.GetCaller(), context.CancellationToken) });
}
