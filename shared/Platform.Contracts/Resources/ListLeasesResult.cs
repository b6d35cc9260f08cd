using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: leases.</summary>
[MessageUrn("platform:resources:ListLeasesResult")]
public sealed record ListLeasesResult
{
    /// <summary>Required.</summary>
    public required IReadOnlyList<Lease> Leases { get; init; }
}
