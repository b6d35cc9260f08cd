using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Command: fetch an image from an OCI registry straight into the content store (containerd 2's transfer service): resolve
/// the reference, then store the index or manifest, the config and the layers, each verified against its digest and size
/// as it lands, labelled with its GC edges (<c>platform.io/gc.ref.content.*</c>) and held by <see cref="LeaseId"/>. A blob
/// the namespace already has is never fetched. Names nothing: the caller creates the image record (and unpacks) under
/// the same lease, then drops the lease. Replies <see cref="FetchImageResult"/>.
/// </summary>
/// <remarks>
/// The service makes the HTTP requests, to the registry the reference names, so it may refuse registries its
/// configuration does not allow (PermissionDenied). Registry refusals map to PermissionDenied (401/403, naming the
/// registry), NotFound, ResourceExhausted (429) and Unavailable (down, timed out, TLS failure); a wrong digest or size is
/// InvalidArgument and leaves nothing stored.
/// </remarks>
[MessageUrn("platform:resources:FetchImage")]
public sealed record FetchImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. A docker reference with its registry host: <c>127.0.0.1:5000/team/app:1.2</c>, <c>docker.io/library/busybox:latest</c>, <c>NAME@sha256:HEX</c>.</summary>
    public string? Reference { get; init; }

    /// <summary>Optional, default false. Speak plain HTTP to the registry instead of HTTPS (a registry on a trusted network).</summary>
    public bool PlainHttp { get; init; }

    /// <summary>Optional. Credentials for the registry; anonymous when absent. Never logged by the service.</summary>
    public RegistryLogin? Credentials { get; init; }

    /// <summary>Optional. <c>os/arch[/variant]</c> to take from an index; the service's own platform when absent. Ignored with <see cref="AllPlatforms"/>.</summary>
    public string? Platform { get; init; }

    /// <summary>Optional, default false. Take every platform's manifests and blobs from an index.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>Required. The caller's lease: it holds everything fetched (and what was already there) until the image record exists.</summary>
    public string? LeaseId { get; init; }
}
