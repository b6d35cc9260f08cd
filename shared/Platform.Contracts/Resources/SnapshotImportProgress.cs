using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: bytes of the archive received so far.</summary>
[MessageUrn("platform:resources:SnapshotImportProgress")]
public sealed record SnapshotImportProgress
{
    /// <summary>Bytes received.</summary>
    public long Received { get; init; }
}
