using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>
/// Command: create a bridge network. AlreadyExists for a taken name; FailedPrecondition when the subnet overlaps
/// another network's on the node (naming it). Replies <see cref="NetworkResult"/>.
/// </summary>
[MessageUrn("platform:networks:CreateNetwork")]
public sealed record CreateNetwork
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. Identifier rules; <c>none</c> and <c>host</c> are reserved.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Optional. IPv4 CIDR with a prefix from /8 to /30 and no host bits set. Absent: the next free /24 of the task
    /// runner's pool (<c>TaskRunner:Networks:Pool</c>, 10.89.0.0/16 by default).
    /// </summary>
    public string? Subnet { get; init; }

    /// <summary>Optional. An IPv4 host address inside the subnet; absent: its first host address.</summary>
    public string? Gateway { get; init; }

    /// <summary>Optional. Labels; an empty value is dropped.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
