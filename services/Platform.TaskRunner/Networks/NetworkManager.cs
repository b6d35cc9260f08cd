using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Common.Networks;
using Platform.Contracts;
using Platform.Contracts.Networks;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;
using CommonLabels = Platform.Common.Labels.Labels;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// The node's network manager: bridge networks as per-namespace records in the task runner's store, created and
/// removed by users (the default network also on first use, see <see cref="NetworkDirectory"/>). It only keeps records;
/// bridges, addresses and veths are made by the runtime's CNI attach from them.
/// </summary>
public sealed class NetworkManager(
    INetworkStore store,
    NetworkLocks locks,
    NetworkAllocation allocation,
    NetworkUsers users,
    Cni.NetworkTeardown teardown,
    TimeProvider clock,
    ILogger<NetworkManager> logger)
{
    public async Task<Network> CreateAsync(CreateNetwork request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var name = NetworkRules.Name(request.Name);
        var labels = new Dictionary<string, string>();
        foreach (var (key, value) in request.Labels ?? new Dictionary<string, string>())
            CommonLabels.Set(labels, key, value);
        CommonLabels.Validate(labels);
        using var named = await locks.LockAsync(ns, name, cancellationToken);
        return ToContract(await CreateLockedAsync(ns, name, request.Subnet, request.Gateway, labels, cancellationToken), []);
    }

    /// <summary>Creates a network; the caller holds the name's lock.</summary>
    internal async Task<NetworkRecord> CreateLockedAsync(string ns, string name, string? subnet, string? gateway,
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(ns, name, cancellationToken) is not null)
            throw PlatformException.AlreadyExists($"network {ns}/{name} already exists");
        using var node = await locks.CreateAsync(cancellationToken);
        var existing = await store.ListAsync(null, cancellationToken);
        var (range, address) = allocation.Subnet(subnet, gateway, existing);
        var (id, bridge) = allocation.Identity(existing);
        var record = new NetworkRecord
        {
            Namespace = ns, Name = name, Id = id, Subnet = range.ToString(), Gateway = Ipv4Subnet.Format(address), Bridge = bridge,
            Labels = labels, CreatedAt = clock.GetUtcNow(),
        };
        var network = ToContract(record, []);
        await store.InsertAsync(record, seq => new NetworkCreated
        {
            EventId = Guid.NewGuid(), Timestamp = record.CreatedAt, Namespace = ns, Sequence = seq, Network = network,
        }, cancellationToken);
        logger.LogInformation("Network {Namespace}/{Network} created: subnet {Subnet}, bridge {Bridge}", ns, name, record.Subnet, bridge);
        return record;
    }

    public async Task<Network> GetAsync(GetNetwork request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        Common.Identifiers.Identifiers.Validate(request.Name, "network name");
        var record = await store.GetAsync(ns, request.Name!, cancellationToken) ?? throw NotFound(ns, request.Name!);
        return ToContract(record, await users.OfAsync(ns, record.Name, cancellationToken));
    }

    public async Task<ListNetworksResult> ListAsync(ListNetworks request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var matching = (await store.ListAsync(ns, cancellationToken)).Where(n => filters.Match(new NetworkFields(n))).ToList();
        if (matching.Count == 0)
            return new ListNetworksResult();
        var byNetwork = await users.ByNetworkAsync(ns, cancellationToken);
        return new ListNetworksResult { Networks = [.. matching.Select(n => ToContract(n, byNetwork.GetValueOrDefault(n.Name) ?? []))] };
    }

    public async Task<Network> RemoveAsync(RemoveNetwork request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        Common.Identifiers.Identifiers.Validate(request.Name, "network name");
        return ToContract(await RemoveAsync(ns, request.Name!, pruned: false, cancellationToken), []);
    }

    /// <summary>Removes every unused network matching the filters but the default one; one that a container starts using meanwhile stays.</summary>
    public async Task<PruneNetworksResult> PruneAsync(PruneNetworks request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var removed = new List<string>();
        foreach (var record in await store.ListAsync(ns, cancellationToken))
        {
            if (record.Name == NetworkLabels.DefaultName || !filters.Match(new NetworkFields(record)))
                continue;
            try
            {
                await RemoveAsync(ns, record.Name, pruned: true, cancellationToken);
                removed.Add(record.Name);
            }
            catch (PlatformException e) when (e.Kind is ErrorKind.FailedPrecondition or ErrorKind.NotFound)
            {
                // In use (kept, which is the point of prune) or removed by someone else meanwhile.
            }
        }
        return new PruneNetworksResult { Removed = removed };
    }

    private async Task<NetworkRecord> RemoveAsync(string ns, string name, bool pruned, CancellationToken cancellationToken)
    {
        // Uses are read from the metadata service under the name's lock rather than kept from container events (as
        // volumes are): an event arrives after the container exists, so a container created just before the removal,
        // whose task may already have resolved the network, would not be counted yet. Here a container committed
        // before this read is seen; one created after it resolves the network only once this lock is released, and
        // finds it gone (NotFound naming it; the default network is made again). So no task joins a removed network.
        using var named = await locks.LockAsync(ns, name, cancellationToken);
        var record = await store.GetAsync(ns, name, cancellationToken) ?? throw NotFound(ns, name);
        var inUse = await users.OfAsync(ns, name, cancellationToken);
        if (inUse.Count > 0)
            throw PlatformException.FailedPrecondition(
                $"network {ns}/{name} is in use by container{(inUse.Count == 1 ? "" : "s")} {string.Join(", ", inUse.Take(10))}{(inUse.Count > 10 ? $" and {inUse.Count - 10} more" : "")}: remove them or change their {NetworkLabels.Network} label first");
        var now = clock.GetUtcNow();
        if (!await store.DeleteAsync(ns, name, record.Id, seq => new NetworkRemoved
            {
                EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, Name = name, Id = record.Id, Pruned = pruned,
            }, cancellationToken))
            throw NotFound(ns, name);
        logger.LogInformation("Network {Namespace}/{Network} removed (bridge {Bridge})", ns, name, record.Bridge);
        try
        {
            await teardown.RemoveAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The record is gone: the next start's sweep removes what is left.
            logger.LogWarning(e, "Tearing down network {Namespace}/{Network} failed; the runner's next start retries", ns, name);
        }
        return record;
    }

    internal static PlatformException NotFound(string ns, string name) =>
        PlatformException.NotFound($"network {ns}/{name} not found");

    private static Network ToContract(NetworkRecord r, IReadOnlyList<string> containers) => new()
    {
        Namespace = r.Namespace, Name = r.Name, Id = r.Id, Driver = r.Driver, Subnet = r.Subnet, Gateway = r.Gateway, Bridge = r.Bridge,
        Labels = r.Labels, CreatedAt = r.CreatedAt, Containers = containers,
    };
}
