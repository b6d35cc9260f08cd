using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Reply to <see cref="PruneNetworks"/>.</summary>
[MessageUrn("platform:networks:PruneNetworksResult")]
public sealed record PruneNetworksResult
{
    /// <summary>The names of the networks removed, ordered.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];
}
