using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Command: unpack an image's layers from the content store into committed snapshots named by chain id, reusing
/// what exists, and label the image config with the top of the chain so the image keeps it. Replies
/// <see cref="UnpackImageResult"/>.
/// </summary>
[MessageUrn("platform:resources:UnpackImage")]
public sealed record UnpackImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. Digest of the image's target: a manifest, or an index whose manifest for <see cref="Platform"/> is unpacked.</summary>
    public string? Digest { get; init; }

    /// <summary>Optional. <c>os/arch[/variant]</c> to pick from an index; the service's own platform when absent.</summary>
    public string? Platform { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional. A lease that also holds the unpacked chain (the unpack holds it with a lease of its own while it works).</summary>
    public string? LeaseId { get; init; }
}
