using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Common.Networks;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// The runtime's view of the network manager: the record a task joins. Resolving holds the name's lock (see
/// <see cref="NetworkLocks"/>), so it never returns a network whose removal is deciding it is unused, and concurrent
/// first uses of the default network create it once.
/// </summary>
public sealed class NetworkDirectory(INetworkStore store, NetworkLocks locks, NetworkManager manager) : INetworkDirectory
{
    public async Task<NetworkRecord> ResolveAsync(string ns, string name, CancellationToken cancellationToken)
    {
        Identifiers.Validate(name, $"network name (label {NetworkLabels.Network})");
        if (name is NetworkLabels.None or NetworkLabels.Host)
            throw PlatformException.InvalidArgument($"network name \"{name}\" is a mode, not a network: the runtime handles it without a record");
        using var named = await locks.LockAsync(ns, name, cancellationToken);
        if (await store.GetAsync(ns, name, cancellationToken) is { } network)
            return network;
        if (name != NetworkLabels.DefaultName)
            throw NetworkManager.NotFound(ns, name);
        return await manager.CreateLockedAsync(ns, name, subnet: null, gateway: null, new Dictionary<string, string>(), cancellationToken);
    }
}
