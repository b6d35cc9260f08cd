using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: where an ingest stands.</summary>
[MessageUrn("platform:resources:ContentIngestStatus")]
public sealed record ContentIngestStatus
{
    /// <summary>Required. The ingest reference.</summary>
    public required string Ref { get; init; }

    /// <summary>Bytes received so far: the offset of the next chunk.</summary>
    public long Offset { get; init; }

    /// <summary>The expected size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The largest chunk accepted, in bytes.</summary>
    public int ChunkSize { get; init; }

    /// <summary>True when the namespace already has this digest committed: nothing needs uploading (a given lease now holds it).</summary>
    public bool Exists { get; init; }
}
