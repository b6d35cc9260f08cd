using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: the mounts of an active snapshot or view (committed: FailedPrecondition). Replies <see cref="SnapshotMountsResult"/>.</summary>
[MessageUrn("platform:resources:GetSnapshotMounts")]
[Requires(Access.Read)]
public sealed record GetSnapshotMounts
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public string? Key { get; init; }
}
