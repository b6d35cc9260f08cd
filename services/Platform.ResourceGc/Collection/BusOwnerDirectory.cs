using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

/// <summary>Asks the metadata service whether a container still exists; only a NotFound reply counts as gone.</summary>
public sealed class BusOwnerDirectory(PlatformClient client) : IOwnerDirectory
{
    public async Task<bool> ExistsAsync(string @namespace, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken)
    {
        if (ownerKind != OwnerKinds.Container)
            return true;
        try
        {
            var container = await client.Containers.GetAsync(ownerId, @namespace, cancellationToken);
            return generation == 0 || container.CreatedAt.UtcTicks == generation;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }
}
