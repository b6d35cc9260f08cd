using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>One blob of a <see cref="FetchImage"/>: what it is and whether its bytes came from the registry now.</summary>
[MessageUrn("platform:resources:FetchedBlob")]
public sealed record FetchedBlob
{
    /// <summary>The blob's media type.</summary>
    public required string MediaType { get; init; }

    /// <summary><c>sha256:HEX</c>.</summary>
    public required string Digest { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Bytes fetched from the registry now: 0 when the store had the blob, less than <see cref="Size"/> when an ingest was resumed.</summary>
    public long Fetched { get; init; }
}
