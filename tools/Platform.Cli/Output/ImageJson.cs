using System.Text.Json.Nodes;
using Platform.Cli.Commands.Images;
using Platform.Client.Images;
using ImageRecord = Platform.Contracts.Images.Image;

namespace Platform.Cli.Output;

/// <summary>Images as JSON: always every field, absent ones as null, sizes in bytes.</summary>
internal static class ImageJson
{
    /// <summary>The stored record: <c>{name, namespace, target {mediaType, digest, size}, labels, createdAt, updatedAt, version}</c>.</summary>
    public static JsonObject ToJson(ImageRecord image) => new()
    {
        ["name"] = image.Name,
        ["namespace"] = image.Namespace,
        ["target"] = ToJson(image.Target),
        ["labels"] = Json.Map(image.Labels),
        ["createdAt"] = Json.Time(image.CreatedAt),
        ["updatedAt"] = Json.Time(image.UpdatedAt),
        ["version"] = image.Version,
    };

    public static JsonObject ToJson(Contracts.Images.Descriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest,
        ["size"] = descriptor.Size,
    };

    public static JsonObject ToJson(Descriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest,
        ["size"] = descriptor.Size,
    };

    /// <summary>A listed image: the record plus <c>size</c> (null when it can't be resolved for the host).</summary>
    public static JsonObject ToJson(ImageRecord image, long? size)
    {
        var json = ToJson(image);
        json["size"] = size;
        return json;
    }

    public static Task WriteAsync(TextWriter output, ImageRecord image) =>
        output.WriteLineAsync(ToJson(image).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<ImageRecord> images) =>
        output.WriteLineAsync(new JsonArray([.. images.Select(i => (JsonNode)ToJson(i))]).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<(ImageRecord Image, long? Size)> images) =>
        output.WriteLineAsync(new JsonArray([.. images.Select(i => (JsonNode)ToJson(i.Image, i.Size))]).ToJsonString(Json.Indented));

    /// <summary><c>images inspect</c>: the record, then what it resolves to for the platform and how it runs.</summary>
    public static Task WriteAsync(TextWriter output, ImageDetails details)
    {
        var json = ToJson(details.Resolved.Image);
        var process = details.Config.Config;
        json["platform"] = details.Config.Platform.ToString();
        json["manifest"] = ToJson(details.Resolved.Manifest);
        json["config"] = ToJson(details.Resolved.Parsed.Config!);
        json["layers"] = new JsonArray([.. details.Resolved.Parsed.Layers.Select(l => (JsonNode)ToJson(l))]);
        json["diffIds"] = new JsonArray([.. (details.Config.RootFs?.DiffIds ?? []).Select(d => (JsonNode?)d)]);
        json["size"] = details.Resolved.Size;
        json["process"] = new JsonObject
        {
            ["entrypoint"] = Strings(process?.Entrypoint),
            ["cmd"] = Strings(process?.Cmd),
            ["env"] = Strings(process?.Env),
            ["workingDir"] = process?.WorkingDir,
            ["user"] = process?.User,
        };
        json["unpacked"] = Json.Map(details.Unpacked);
        return output.WriteLineAsync(json.ToJsonString(Json.Indented));
    }

    private static JsonArray? Strings(IReadOnlyList<string>? values) => values is null ? null : new JsonArray([.. values.Select(v => (JsonNode?)v)]);
}
