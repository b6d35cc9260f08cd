using System.Text.Json.Serialization;

namespace Platform.Client.Images;

/// <summary>
/// An OCI content descriptor: what a blob is, which blob, and how big. Record equality compares
/// <see cref="Annotations"/>, <see cref="Platform"/> and <see cref="Urls"/> by reference: compare digests instead.
/// </summary>
public sealed record Descriptor
{
    /// <summary>Required. The blob's media type (see <see cref="MediaTypes"/>).</summary>
    [JsonPropertyName("mediaType")]
    public string MediaType { get; init; } = "";

    /// <summary>Required. <c>sha256:&lt;64 hex&gt;</c>.</summary>
    [JsonPropertyName("digest")]
    public string Digest { get; init; } = "";

    /// <summary>Required. Size in bytes.</summary>
    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>Optional. Annotations (in index.json: the image's name).</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Optional. The platform of a manifest listed by an index.</summary>
    [JsonPropertyName("platform")]
    public ImagePlatform? Platform { get; init; }

    /// <summary>Optional. Where a non-distributable blob may be fetched from.</summary>
    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Optional. The artifact type of an artifact manifest.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}

/// <summary>Annotation keys Platform reads and writes.</summary>
public static class Annotations
{
    /// <summary>OCI: the reference name of an index.json entry (a tag, or a full name).</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>containerd: the full image name of an index.json entry.</summary>
    public const string ContainerdImageName = "io.containerd.image.name";
}
