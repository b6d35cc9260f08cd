using MassTransit;
using Platform.Contracts.Networks;
using Platform.Hosting.Bus;

namespace Platform.TaskRunner.Networks;

// One consumer per message, each a thin adapter over the network manager; failures become error replies in the pipeline.

public sealed class CreateNetworkConsumer(NetworkManager networks) : IConsumer<CreateNetwork>
{
    public async Task Consume(ConsumeContext<CreateNetwork> context) =>
        await context.ReplyAsync(new NetworkResult { Network = await networks.CreateAsync(context.Message, context.CancellationToken) });
}

public sealed class GetNetworkConsumer(NetworkManager networks) : IConsumer<GetNetwork>
{
    public async Task Consume(ConsumeContext<GetNetwork> context) =>
        await context.ReplyAsync(new NetworkResult { Network = await networks.GetAsync(context.Message, context.CancellationToken) });
}

public sealed class ListNetworksConsumer(NetworkManager networks) : IConsumer<ListNetworks>
{
    public async Task Consume(ConsumeContext<ListNetworks> context) =>
        await context.ReplyAsync(await networks.ListAsync(context.Message, context.CancellationToken));
}

public sealed class RemoveNetworkConsumer(NetworkManager networks) : IConsumer<RemoveNetwork>
{
    public async Task Consume(ConsumeContext<RemoveNetwork> context) =>
        await context.ReplyAsync(new NetworkResult { Network = await networks.RemoveAsync(context.Message, context.CancellationToken) });
}

public sealed class PruneNetworksConsumer(NetworkManager networks) : IConsumer<PruneNetworks>
{
    public async Task Consume(ConsumeContext<PruneNetworks> context) =>
        await context.ReplyAsync(await networks.PruneAsync(context.Message, context.CancellationToken));
}
