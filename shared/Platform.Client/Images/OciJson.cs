using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>One set of JSON options for every OCI document, and parsing that names the file on failure.</summary>
public static class OciJson
{
    /// <summary>Manifests, indexes, configs and the archive's own JSON files are read whole; nothing real comes near this.</summary>
    public const int MaxDocumentBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Nulls left out, compact, no trailing commas; with the code generated for the documents below only (no reflection,
    /// so a native build reads them as the JIT-compiled one does): a type not listed in <see cref="OciTypes"/> fails.
    /// </summary>
    public static JsonSerializerOptions Options => OciTypes.Default.Options;

    /// <summary>Parses <paramref name="json"/>; InvalidArgument naming <paramref name="source"/> when it is not that document.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TypeInfo<T>())
                ?? throw PlatformException.InvalidArgument($"{source}: the document is JSON null");
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"{source}: not valid JSON for {Describe<T>()}: {e.Message}");
        }
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)(OciTypes.Default.GetTypeInfo(typeof(T))
        ?? throw new NotSupportedException($"{typeof(T).Name} is not an OCI document of {nameof(OciTypes)}"));

    /// <summary>An image manifest, checked for schema version 2 and a config.</summary>
    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json, string source)
    {
        var manifest = Parse<ImageManifest>(json, source);
        CheckSchemaVersion(manifest.SchemaVersion, manifest.MediaType, source);
        if (manifest.Config is null)
            throw PlatformException.InvalidArgument($"{source}: the manifest has no config");
        return manifest;
    }

    /// <summary>An index, checked for schema version 2.</summary>
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json, string source)
    {
        var index = Parse<ImageIndex>(json, source);
        CheckSchemaVersion(index.SchemaVersion, index.MediaType, source);
        return index;
    }

    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json, string source) => Parse<ImageConfig>(json, source);

    private static void CheckSchemaVersion(int version, string? mediaType, string source)
    {
        if (MediaTypes.IsSchema1(mediaType) || version == 1)
            throw PlatformException.InvalidArgument(
                $"{source}: Docker schema 1 manifests are not supported (schemaVersion {version}); re-push or re-save the image with a current tool");
        if (version != 2)
            throw PlatformException.InvalidArgument($"{source}: unsupported schemaVersion {version} (only 2 is supported)");
    }

    private static string Describe<T>() => typeof(T).Name switch
    {
        nameof(ImageManifest) => "an image manifest",
        nameof(ImageIndex) => "an image index",
        nameof(ImageConfig) => "an image config",
        var name => name,
    };
}

/// <summary>Every document <see cref="OciJson"/> reads or writes: OCI manifests, indexes, configs and layouts, and docker's archive manifest.</summary>
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(OciLayoutHeader))]
[JsonSerializable(typeof(List<DockerArchiveEntry>))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false, AllowTrailingCommas = false)]
internal sealed partial class OciTypes : JsonSerializerContext
{
}
