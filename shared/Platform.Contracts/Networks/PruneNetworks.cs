using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>
/// Command: remove every network of the namespace that no container uses (and that matches the filters), except the
/// default network, which docker never prunes either. Replies <see cref="PruneNetworksResult"/>.
/// </summary>
[MessageUrn("platform:networks:PruneNetworks")]
public sealed record PruneNetworks
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters as <see cref="ListNetworks"/>; all unused networks when absent.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
}
