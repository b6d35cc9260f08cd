using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Reply to <see cref="ListNetworks"/>.</summary>
[MessageUrn("platform:networks:ListNetworksResult")]
public sealed record ListNetworksResult
{
    /// <summary>Required. Ordered by name.</summary>
    public IReadOnlyList<Network> Networks { get; init; } = [];
}
