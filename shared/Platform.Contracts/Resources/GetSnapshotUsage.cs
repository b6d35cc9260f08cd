using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: disk usage of one snapshot, excluding its parents. Replies <see cref="SnapshotUsageResult"/>.</summary>
[MessageUrn("platform:resources:GetSnapshotUsage")]
[Requires(Access.Read)]
public sealed record GetSnapshotUsage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public string? Key { get; init; }
}
