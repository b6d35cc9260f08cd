using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: one page of snapshots.</summary>
[MessageUrn("platform:resources:ListSnapshotsResult")]
public sealed record ListSnapshotsResult
{
    /// <summary>Required. The page.</summary>
    public required IReadOnlyList<Snapshot> Snapshots { get; init; }

    /// <summary>Set when more may follow.</summary>
    public string? ContinuationToken { get; init; }
}
