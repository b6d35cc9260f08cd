using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply carrying one lease.</summary>
[MessageUrn("platform:resources:LeaseResult")]
public sealed record LeaseResult
{
    /// <summary>Required.</summary>
    public required Lease Lease { get; init; }
}
