using System.Text.Json.Nodes;
using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// What DEL needs, kept from before the ADD until the DEL succeeded (as libcni caches results under
/// /var/lib/cni/results): the configuration list the ADD ran with (the network's file may change or go), the
/// call's parameters and, once the ADD finished, its result (the <c>prevResult</c> of the DEL). No result means the
/// ADD failed or the runner died during it: DEL still runs, without <c>prevResult</c>.
/// </summary>
public sealed record AttachmentRecord
{
    public required string Namespace { get; init; }
    public required string ContainerId { get; init; }
    public required string NetworkName { get; init; }
    public required string NetworkId { get; init; }
    public required string CniContainerId { get; init; }
    public required string Netns { get; init; }
    public required string IfName { get; init; }
    public required JsonObject ConfList { get; init; }
    public JsonObject? Result { get; init; }

    /// <summary>The task's published ports, host ports chosen (CNI's <c>portMappings</c> capability, for portmap).</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>The names the task answers to on its network, for every member's <c>/etc/hosts</c>: its hostname, then its aliases.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Lines only its own <c>/etc/hosts</c> has (<c>--add-host</c>), as <c>name:ip</c>.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>The task's IPv4 address from the ADD result (without its prefix length), or null.</summary>
    public string? Address =>
        Result?["ips"] is JsonArray ips && ips.Count > 0 && (string?)ips[0]?["address"] is { } cidr ? cidr.Split('/')[0] : null;

    public CniInvocation Invocation => new(CniContainerId, Netns, IfName, Ports.Count == 0 ? null : HostPorts.ToCni(Ports));
}
