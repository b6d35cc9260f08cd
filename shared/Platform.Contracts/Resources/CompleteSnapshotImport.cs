using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: verify the archive, unpack it and commit the snapshot. Replies <see cref="SnapshotResult"/>; on a bad digest or a corrupt archive InvalidArgument, leaving nothing behind.</summary>
[MessageUrn("platform:resources:CompleteSnapshotImport")]
public sealed record CompleteSnapshotImport
{
    /// <summary>Required.</summary>
    public string? ImportId { get; init; }
}
