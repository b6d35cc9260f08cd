using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.ResourceGc.Unpack;

public sealed class UnpackImageConsumer(ImageUnpacker unpacker) : IConsumer<UnpackImage>
{
    public async Task Consume(ConsumeContext<UnpackImage> context) =>
        await context.ReplyAsync(await unpacker.UnpackAsync(context.Message, context.GetCaller(), context.CancellationToken));
}
