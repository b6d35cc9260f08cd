using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;

namespace Platform.ResourceGc.Pull;

public sealed class FetchImageConsumer(ImageFetcher fetcher) : IConsumer<FetchImage>
{
    public async Task Consume(ConsumeContext<FetchImage> context) =>
        await context.ReplyAsync(await fetcher.FetchAsync(context.Message, context.CancellationToken));
}
