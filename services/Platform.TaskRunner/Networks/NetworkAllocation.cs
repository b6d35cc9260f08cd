using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// Picks what must be unique on the node for a new network: its subnet (none may overlap another network's, in any
/// namespace, since every bridge routes on the same host), its id and its bridge name. Callers hold the network
/// manager's create lock, so <paramref name="existing"/> stays true until the record is written.
/// </summary>
public sealed class NetworkAllocation(IOptions<NetworkOptions> options)
{
    /// <summary>Bridge names are <c>plat</c> + this many hex characters of the id: 12 characters, under Linux's 15.</summary>
    private const int BridgeHexLength = 8;

    /// <summary>The requested subnet and gateway, checked against the node's networks; or the pool's next free /24.</summary>
    public (Ipv4Subnet Subnet, uint Gateway) Subnet(string? subnet, string? gateway, IReadOnlyList<NetworkRecord> existing)
    {
        if (string.IsNullOrEmpty(subnet))
        {
            if (!string.IsNullOrEmpty(gateway))
                throw PlatformException.InvalidArgument($"gateway \"{gateway}\" needs a subnet: give the subnet it belongs to");
            var free = NextFree(existing);
            return (free, free.FirstHost);
        }
        var requested = NetworkRules.Subnet(subnet);
        var address = string.IsNullOrEmpty(gateway) ? requested.FirstHost : NetworkRules.Gateway(gateway, requested);
        foreach (var other in existing)
            if (Ipv4Subnet.TryParse(other.Subnet, out var network, out var prefix) && requested.Overlaps(new Ipv4Subnet(network, prefix)))
                throw PlatformException.FailedPrecondition(
                    $"subnet {requested} overlaps subnet {other.Subnet} of network {other.Namespace}/{other.Name} on this node");
        return (requested, address);
    }

    /// <summary>A fresh id (64 hex characters, as docker's) whose bridge name no network on the node has.</summary>
    public (string Id, string Bridge) Identity(IReadOnlyList<NetworkRecord> existing)
    {
        while (true)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var bridge = BridgeOf(id);
            if (!existing.Any(n => n.Bridge == bridge || n.Id == id))
                return (id, bridge);
        }
    }

    /// <summary>One rule for every network, the default ones too: no namespace's name ever reaches the host's interfaces.</summary>
    public static string BridgeOf(string id) => "plat" + id[..BridgeHexLength];

    private Ipv4Subnet NextFree(IReadOnlyList<NetworkRecord> existing)
    {
        Ipv4Subnet.TryParse(options.Value.Pool, out var poolAddress, out var poolPrefix);
        var pool = new Ipv4Subnet(poolAddress, poolPrefix);
        var taken = new List<Ipv4Subnet>();
        foreach (var other in existing)
            if (Ipv4Subnet.TryParse(other.Subnet, out var network, out var prefix))
                taken.Add(new Ipv4Subnet(network, prefix));
        for (var candidate = new Ipv4Subnet(pool.Network, 24); pool.Contains(candidate.Network); candidate = candidate with { Network = candidate.Network + 256 })
        {
            if (!taken.Any(candidate.Overlaps))
                return candidate;
            if (candidate.Broadcast == uint.MaxValue)
                break;
        }
        throw PlatformException.ResourceExhausted($"no free /24 is left in the network pool {pool} (TaskRunner:Networks:Pool): give a subnet");
    }
}
