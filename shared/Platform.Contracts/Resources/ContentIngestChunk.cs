using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: the next bytes of an ingest, in order. Replies <see cref="ContentIngestStatus"/>.</summary>
[MessageUrn("platform:resources:ContentIngestChunk")]
public sealed record ContentIngestChunk
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The ingest reference.</summary>
    public string? Ref { get; init; }

    /// <summary>Required. Position of <see cref="Data"/> in the blob; must equal the bytes received so far.</summary>
    public long Offset { get; init; }

    /// <summary>Required. At most <see cref="ContentIngestStatus.ChunkSize"/> bytes.</summary>
    public byte[]? Data { get; init; }
}
