namespace Platform.Client.Registry;

/// <summary>The media types the registry client reads and writes.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>Manifest media types a resolve accepts, in the order they are offered.</summary>
    public static IReadOnlyList<string> Manifests { get; } = [OciManifest, OciIndex, DockerManifest, DockerManifestList];

    public static bool IsManifest(string? mediaType) => mediaType is not null && Manifests.Contains(mediaType);

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;
}
