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
        var (snapshotter, key) = leases.SnapshotOf(context.Message.Resource);
        if (await store.GetSnapshotAsync(ns, snapshotter, key, context.CancellationToken) is null)
            throw ResourceErrors.SnapshotNotFound(ns, snapshotter, key);
        var graph = await store.LoadGraphAsync(context.CancellationToken);
        var chains = GcGraph.Explain(graph, ns, snapshotter, key, clock.GetUtcNow());
        await context.ReplyAsync(new ResourceExplanation
        {
            Resource = new ResourceRef { Kind = ResourceKinds.Snapshot, Snapshotter = snapshotter, Key = key },
            Alive = chains.Count > 0,
            Chains = chains,
        });
    }
}
