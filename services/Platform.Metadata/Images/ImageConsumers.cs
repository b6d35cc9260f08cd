using MassTransit;
using Platform.Contracts.Images;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;

namespace Platform.Metadata.Images;

// One consumer per message, each a thin adapter: expected failures become error replies in the pipeline
// (PlatformErrorFilter), unexpected ones are retried and then faulted to the _error queue. Writes carry their command's
// key, so a redelivered or retried write answers what its first delivery did.

public sealed class CreateImageConsumer(ImageService images) : IConsumer<CreateImage>
{
    public async Task Consume(ConsumeContext<CreateImage> context) =>
        await context.ReplyAsync(new ImageResult { Image = await images.CreateAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, context.Message.Name)) });
}

public sealed class GetImageConsumer(ImageService images) : IConsumer<GetImage>
{
    public async Task Consume(ConsumeContext<GetImage> context) =>
        await context.ReplyAsync(new ImageResult { Image = await images.GetAsync(context.Message, context.CancellationToken) });
}

public sealed class ListImagesConsumer(ImageService images) : IConsumer<ListImages>
{
    public async Task Consume(ConsumeContext<ListImages> context) =>
        await context.ReplyAsync(await images.ListAsync(context.Message, context.CancellationToken));
}

public sealed class UpdateImageConsumer(ImageService images) : IConsumer<UpdateImage>
{
    public async Task Consume(ConsumeContext<UpdateImage> context) =>
        await context.ReplyAsync(new ImageResult { Image = await images.UpdateAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, context.Message.Name)) });
}

public sealed class DeleteImageConsumer(ImageService images) : IConsumer<DeleteImage>
{
    public async Task Consume(ConsumeContext<DeleteImage> context) =>
        await context.ReplyAsync(new ImageResult { Image = await images.DeleteAsync(context.Message, context.CancellationToken,
            CommandKey.Of(context, context.Message.Namespace, context.Message.Name)) });
}
