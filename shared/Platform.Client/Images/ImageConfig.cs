using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Client.Images;

/// <summary>The image config blob (OCI "image configuration"; Docker's container image JSON).</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("os")]
    public string Os { get; init; } = "";

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    /// <summary>Optional. Defaults for the container's process.</summary>
    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    /// <summary>Required. The diff ids (digests of the uncompressed layers), base first.</summary>
    [JsonPropertyName("rootfs")]
    public RootFs? RootFs { get; init; }

    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

    [JsonIgnore]
    public ImagePlatform Platform => new ImagePlatform { Os = Os, Architecture = Architecture, Variant = Variant, OsVersion = OsVersion }.Normalize();
}

/// <summary>The <c>config</c> section of an image config: what a container runs unless told otherwise.</summary>
public sealed record ContainerConfig
{
    /// <summary><c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>…; empty means root.</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary><c>KEY=VALUE</c> entries.</summary>
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>A signal name (<c>SIGQUIT</c>) or number.</summary>
    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    /// <summary>Keys are <c>port/proto</c> (<c>80/tcp</c>); values are empty objects.</summary>
    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; init; }

    [JsonPropertyName("Volumes")]
    public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }

    /// <summary>docker's health check of containers made from the image.</summary>
    [JsonPropertyName("Healthcheck")]
    public ImageHealthcheck? Healthcheck { get; init; }
}

public sealed record RootFs
{
    /// <summary>Always <c>layers</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<string> DiffIds { get; init; } = [];
}

public sealed record HistoryEntry
{
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}
