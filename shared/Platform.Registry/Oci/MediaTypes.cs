namespace Platform.Client.Images;

/// <summary>
/// The media types Platform reads. Docker schema 2 types are accepted wherever their OCI equivalent is
/// (a Docker manifest list is an index; a Docker schema 2 manifest is a manifest), as containerd does.
/// </summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciLayoutHeader = "application/vnd.oci.layout.header.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>Docker schema 1: refused everywhere (containerd dropped it too).</summary>
    public const string DockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>Manifest and index media types a registry is asked for when resolving a reference, in the order they are offered.</summary>
    public static IReadOnlyList<string> Manifests { get; } = [OciManifest, OciIndex, DockerManifest, DockerManifestList];

    /// <summary>An image manifest: OCI, or Docker schema 2.</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>An index: OCI, or a Docker manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>A document a registry serves under <c>/manifests/</c>: a manifest or an index.</summary>
    public static bool IsManifestOrIndex(string? mediaType) => IsManifest(mediaType) || IsIndex(mediaType);

    public static bool IsSchema1(string? mediaType) => mediaType is DockerSchema1Manifest or DockerSchema1SignedManifest;
}
