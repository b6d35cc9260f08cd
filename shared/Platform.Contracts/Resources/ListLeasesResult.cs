using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: one page of leases.</summary>
[MessageUrn("platform:resources:ListLeasesResult")]
public sealed record ListLeasesResult
{
    /// <summary>Required. The page.</summary>
    public required IReadOnlyList<Lease> Leases { get; init; }
    /// <summary>Set when more may follow.</summary>
    public string? ContinuationToken { get; init; }
}
