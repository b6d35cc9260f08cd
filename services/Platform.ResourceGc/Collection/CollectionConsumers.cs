using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.ResourceGc.Leases;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

public sealed class CollectGarbageConsumer(Collector collector) : IConsumer<CollectGarbage>
{
    public async Task Consume(ConsumeContext<CollectGarbage> context) =>
        await context.ReplyAsync(await collector.RunPassAsync(context.Message.DryRun, context.CancellationToken));
}

public sealed class ExplainResourceConsumer(IResourceStore store, LeaseService leases, TimeProvider clock) : IConsumer<ExplainResource>
{
    public async Task Consume(ConsumeContext<ExplainResource> context)
    {
        var ns = SnapshotRules.Namespace(context.Message.Namespace);
        var (space, key) = leases.ResourceOf(context.Message.Resource);
        var exists = ResourceSpaces.IsContent(space)
            ? await store.GetContentAsync(ns, key, context.CancellationToken) is not null
            : await store.GetSnapshotAsync(ns, space, key, context.CancellationToken) is not null;
        if (!exists)
            throw ResourceErrors.ResourceNotFound(ns, space, key);
        var graph = await store.LoadGraphAsync(context.CancellationToken);
        var chains = GcGraph.Explain(graph, ns, space, key, clock.GetUtcNow());
        await context.ReplyAsync(new ResourceExplanation
        {
            Resource = LeaseService.ToRef(space, key),
            Alive = chains.Count > 0,
            Chains = chains,
        });
    }
}
