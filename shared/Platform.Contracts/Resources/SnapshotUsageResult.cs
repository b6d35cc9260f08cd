using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: bytes and inodes a snapshot uses, excluding parents.</summary>
[MessageUrn("platform:resources:SnapshotUsageResult")]
public sealed record SnapshotUsageResult
{
    /// <summary>Bytes.</summary>
    public long Size { get; init; }

    /// <summary>Files, directories and links.</summary>
    public long Inodes { get; init; }
}
