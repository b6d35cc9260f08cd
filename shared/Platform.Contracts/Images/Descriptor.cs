using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Points at a content blob: what it is, its digest and its size (OCI's descriptor, reduced to what an image needs).</summary>
[MessageUrn("platform:images:Descriptor")]
public sealed record Descriptor
{
    /// <summary>
    /// Required. For an image target: <c>application/vnd.oci.image.manifest.v1+json</c>, <c>application/vnd.oci.image.index.v1+json</c>,
    /// <c>application/vnd.docker.distribution.manifest.v2+json</c> or <c>application/vnd.docker.distribution.manifest.list.v2+json</c>.
    /// </summary>
    public required string MediaType { get; init; }

    /// <summary>Required. <c>sha256:</c> followed by 64 lowercase hexadecimal digits.</summary>
    public required string Digest { get; init; }

    /// <summary>Required. The blob's size in bytes; greater than 0.</summary>
    public required long Size { get; init; }
}
