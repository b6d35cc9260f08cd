using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply carrying one snapshot.</summary>
[MessageUrn("platform:resources:SnapshotResult")]
public sealed record SnapshotResult
{
    /// <summary>Required.</summary>
    public required Snapshot Snapshot { get; init; }
}
