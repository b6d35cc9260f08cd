using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: where to send the archive.</summary>
[MessageUrn("platform:resources:SnapshotImportStarted")]
public sealed record SnapshotImportStarted
{
    /// <summary>Required. Names this import in the chunk messages.</summary>
    public required string ImportId { get; init; }

    /// <summary>Most bytes per chunk the service accepts.</summary>
    public int ChunkSize { get; init; }
}
