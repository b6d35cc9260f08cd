using System.Text.Json.Serialization;

namespace Platform.Client.Images;

/// <summary>An OCI image manifest (or Docker schema 2 manifest): one config and the layers, bottom first.</summary>
public sealed record ImageManifest
{
    /// <summary>Required. Always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    /// <summary>Optional in OCI, required by Docker schema 2.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Required. The image config blob.</summary>
    [JsonPropertyName("config")]
    public Descriptor? Config { get; init; }

    /// <summary>Required. Layers in application order (base first).</summary>
    [JsonPropertyName("layers")]
    public IReadOnlyList<Descriptor> Layers { get; init; } = [];

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>An OCI image index (or Docker manifest list): manifests, usually one per platform.</summary>
public sealed record ImageIndex
{
    /// <summary>Required. Always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The <c>oci-layout</c> file at the root of an OCI image layout.</summary>
public sealed record OciLayoutHeader
{
    public const string CurrentVersion = "1.0.0";

    [JsonPropertyName("imageLayoutVersion")]
    public string? ImageLayoutVersion { get; init; }
}
