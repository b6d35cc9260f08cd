using MassTransit;
using Platform.Contracts.Images;

namespace Platform.Contracts.Resources;

/// <summary>Reply to <see cref="FetchImage"/>: what the reference resolved to and what moved.</summary>
[MessageUrn("platform:resources:FetchImageResult")]
public sealed record FetchImageResult
{
    /// <summary>The manifest or index the reference names: the image's target.</summary>
    public required Descriptor Target { get; init; }

    /// <summary>Every blob of the image now in the content store, leaves (configs, layers) before the manifests and indexes that name them.</summary>
    public IReadOnlyList<FetchedBlob> Blobs { get; init; } = [];

    /// <summary>How many manifests and indexes the image has (stored now or before).</summary>
    public int Manifests { get; init; }

    /// <summary>How many image configs.</summary>
    public int Configs { get; init; }

    /// <summary>How many layers.</summary>
    public int Layers { get; init; }

    /// <summary>Bytes written to the content store now (from the registry; manifests and indexes included).</summary>
    public long BytesFetched { get; init; }

    /// <summary>Bytes the content store already had (whole blobs, and the part of a resumed one it kept).</summary>
    public long BytesPresent { get; init; }
}
