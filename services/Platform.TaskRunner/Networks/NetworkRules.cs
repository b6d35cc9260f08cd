using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks;

/// <summary>What a network's name, subnet and gateway must be. Every refusal is InvalidArgument naming the field and the rule.</summary>
public static class NetworkRules
{
    public const int MinPrefix = 8;
    public const int MaxPrefix = 30;

    /// <summary>Ranges no bridge may take: "this" network, loopback, and multicast and above.</summary>
    private static readonly Ipv4Subnet[] Reserved = [new(0x00000000, 8), new(0x7F000000, 8), new(0xE0000000, 3)];

    /// <summary>A name a network may be created under: identifier rules, and not one of the reserved modes.</summary>
    public static string Name(string? name)
    {
        Identifiers.Validate(name, "network name");
        if (name is NetworkLabels.None or NetworkLabels.Host)
            throw PlatformException.InvalidArgument($"network name \"{name}\" is reserved (it means no network or the host's network)");
        return name!;
    }

    /// <summary>A requested subnet: an IPv4 CIDR, prefix /8 to /30, no host bits set, outside the reserved ranges.</summary>
    public static Ipv4Subnet Subnet(string subnet)
    {
        if (!Ipv4Subnet.TryParse(subnet, out var address, out var prefix))
            throw PlatformException.InvalidArgument($"subnet \"{subnet}\" is not an IPv4 CIDR (a.b.c.d/prefix)");
        if (prefix is < MinPrefix or > MaxPrefix)
            throw PlatformException.InvalidArgument($"subnet \"{subnet}\" has prefix /{prefix}: the prefix must be from /{MinPrefix} to /{MaxPrefix}");
        var network = new Ipv4Subnet(address & new Ipv4Subnet(0, prefix).Mask, prefix);
        if (network.Network != address)
            throw PlatformException.InvalidArgument($"subnet \"{subnet}\" has host bits set: its network address is {network}");
        if (Reserved.FirstOrDefault(network.Overlaps) is { Prefix: > 0 } reserved)
            throw PlatformException.InvalidArgument($"subnet \"{subnet}\" overlaps the reserved range {reserved}");
        return network;
    }

    /// <summary>A requested gateway: an IPv4 host address of <paramref name="subnet"/> (neither its network nor its broadcast address).</summary>
    public static uint Gateway(string gateway, Ipv4Subnet subnet)
    {
        if (!Ipv4Subnet.TryParseAddress(gateway, out var address))
            throw PlatformException.InvalidArgument($"gateway \"{gateway}\" is not an IPv4 address (a.b.c.d)");
        if (!subnet.Contains(address))
            throw PlatformException.InvalidArgument($"gateway {gateway} is outside subnet {subnet}: it must be an address inside it");
        if (address == subnet.Network || address == subnet.Broadcast)
            throw PlatformException.InvalidArgument($"gateway {gateway} is the network or broadcast address of subnet {subnet}: use a host address");
        return address;
    }
}
