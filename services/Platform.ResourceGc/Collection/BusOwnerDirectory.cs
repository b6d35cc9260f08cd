using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

/// <summary>
/// Asks the owning service whether an owner still exists: the metadata service for containers and images, the task runner for
/// tasks; only a NotFound reply counts as gone. In bulk it lists
/// the namespace's containers page by page, a few requests where one per reference made a pass over 50,000 container
/// references spend ~35 s here.
/// </summary>
public sealed class BusOwnerDirectory(PlatformClient client) : IOwnerDirectory
{
    private const int PageSize = 5000;

    public async Task<bool> ExistsAsync(string @namespace, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken)
    {
        try
        {
            var createdAt = ownerKind switch
            {
                OwnerKinds.Container => (await client.Containers.GetAsync(ownerId, @namespace, cancellationToken)).CreatedAt,
                OwnerKinds.Task => (await client.Tasks.GetAsync(ownerId, @namespace, cancellationToken)).CreatedAt,
                OwnerKinds.Image => (await client.Images.GetAsync(ownerId, @namespace, cancellationToken)).CreatedAt,
                _ => (DateTimeOffset?)null,
            };
            return createdAt is null || generation == 0 || createdAt.Value.UtcTicks == generation;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> ExistingAsync(string @namespace, string ownerKind, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, long>();
        if (ownerKind == OwnerKinds.Task)
        {
            foreach (var task in await client.Tasks.ListAsync(@namespace: @namespace, cancellationToken: cancellationToken))
                existing[task.ContainerId] = task.CreatedAt.UtcTicks;
            return existing;
        }
        if (ownerKind == OwnerKinds.Image)
        {
            await foreach (var image in client.Images.ListAsync(@namespace: @namespace, cancellationToken: cancellationToken))
                existing[image.Name] = image.CreatedAt.UtcTicks;
            return existing;
        }
        if (ownerKind != OwnerKinds.Container)
            return existing;
        await foreach (var container in client.Containers.ListAsync(@namespace: @namespace, pageSize: PageSize, cancellationToken: cancellationToken))
            existing[container.Id] = container.CreatedAt.UtcTicks;
        return existing;
    }
}
