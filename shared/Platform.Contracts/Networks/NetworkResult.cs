using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Reply carrying one network.</summary>
[MessageUrn("platform:networks:NetworkResult")]
public sealed record NetworkResult
{
    /// <summary>Required.</summary>
    public required Network Network { get; init; }
}
