using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply with a snapshot and the mounts to use it.</summary>
[MessageUrn("platform:resources:SnapshotMountsResult")]
public sealed record SnapshotMountsResult
{
    /// <summary>Required. The snapshot.</summary>
    public required Snapshot Snapshot { get; init; }

    /// <summary>Required. Mounts in order.</summary>
    public required IReadOnlyList<Mount> Mounts { get; init; }
}
