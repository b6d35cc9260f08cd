using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;

namespace Platform.ResourceGc.Content;

// Thin adapters: expected failures become error replies in the pipeline, the unexpected go to retry and _error.

public sealed class BeginContentIngestConsumer(ContentWriter writer) : IConsumer<BeginContentIngest>
{
    public async Task Consume(ConsumeContext<BeginContentIngest> context) =>
        await context.ReplyAsync(await writer.BeginAsync(context.Message, context.CancellationToken));
}

public sealed class ContentIngestChunkConsumer(ContentWriter writer) : IConsumer<ContentIngestChunk>
{
    public async Task Consume(ConsumeContext<ContentIngestChunk> context) =>
        await context.ReplyAsync(await writer.AppendAsync(context.Message, context.CancellationToken));
}

public sealed class CommitContentIngestConsumer(ContentWriter writer) : IConsumer<CommitContentIngest>
{
    public async Task Consume(ConsumeContext<CommitContentIngest> context) =>
        await context.ReplyAsync(new ContentResult { Content = await writer.CommitAsync(context.Message, context.CancellationToken) });
}

public sealed class AbortContentIngestConsumer(ContentWriter writer) : IConsumer<AbortContentIngest>
{
    public async Task Consume(ConsumeContext<AbortContentIngest> context) =>
        await context.ReplyAsync(await writer.AbortAsync(context.Message, context.CancellationToken));
}

public sealed class GetContentInfoConsumer(ContentService content) : IConsumer<GetContentInfo>
{
    public async Task Consume(ConsumeContext<GetContentInfo> context) =>
        await context.ReplyAsync(new ContentResult { Content = await content.GetAsync(context.Message, context.CancellationToken) });
}

public sealed class ListContentConsumer(ContentService content) : IConsumer<ListContent>
{
    public async Task Consume(ConsumeContext<ListContent> context) =>
        await context.ReplyAsync(await content.ListAsync(context.Message, context.CancellationToken));
}

public sealed class ReadContentConsumer(ContentService content) : IConsumer<ReadContent>
{
    public async Task Consume(ConsumeContext<ReadContent> context) =>
        await context.ReplyAsync(await content.ReadAsync(context.Message, context.CancellationToken));
}

public sealed class DeleteContentConsumer(ContentService content) : IConsumer<DeleteContent>
{
    public async Task Consume(ConsumeContext<DeleteContent> context) =>
        await context.ReplyAsync(new ContentResult { Content = await content.DeleteAsync(context.Message, context.CancellationToken) });
}

public sealed class UpdateContentConsumer(ContentService content) : IConsumer<UpdateContent>
{
    public async Task Consume(ConsumeContext<UpdateContent> context) =>
        await context.ReplyAsync(new ContentResult { Content = await content.UpdateAsync(context.Message, context.CancellationToken) });
}
