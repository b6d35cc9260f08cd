using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>The collector: run a pass now, or ask why a resource is alive.</summary>
public sealed class GcClient(PlatformClient client)
{
    public Task<GarbageCollectionResult> CollectAsync(bool dryRun = false, CancellationToken cancellationToken = default) =>
        client.RequestAsync<CollectGarbage, GarbageCollectionResult>(QueueNames.Of<CollectGarbage>(), new CollectGarbage { DryRun = dryRun }, cancellationToken);

    public Task<ResourceExplanation> ExplainAsync(ResourceRef resource, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ExplainResource, ResourceExplanation>(QueueNames.Of<ExplainResource>(),
            new ExplainResource { Namespace = client.Namespace(@namespace), Resource = resource }, cancellationToken);
}
