using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: remove a snapshot. FailedPrecondition while it has children or anything references it. Replies <see cref="SnapshotResult"/>; publishes <see cref="SnapshotRemoved"/>.</summary>
[MessageUrn("platform:resources:RemoveSnapshot")]
public sealed record RemoveSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public string? Key { get; init; }
}
