using System.Text.Json.Nodes;
using Platform.Cli.Commands.Images;
using Platform.Common.References;
using ImageRecord = Platform.Contracts.Images.Image;

namespace Platform.Cli.Output;

/// <summary>Images for people: docker's familiar names in tables, a <c>Key: value</c> block for one.</summary>
internal static class ImageText
{
    /// <summary><c>busybox:1.36</c> for <c>docker.io/library/busybox:1.36</c>; the name as stored when it does not parse.</summary>
    public static string Familiar(string name) => ImageName.TryParse(name, out var parsed) ? parsed.Familiar : name;

    public static Task WriteAsync(TextWriter output, IEnumerable<(ImageRecord Image, long? Size)> images) =>
        TextTable.WriteAsync(output, ["NAME", "DIGEST", "SIZE", "CREATED"],
            images.Select(i => new[]
            {
                Familiar(i.Image.Name), i.Image.Target.Digest, i.Size is { } size ? Sizes.Human(size) : TextBlock.None,
                ContainerText.Time(i.Image.CreatedAt),
            }));

    public static Task WriteAsync(TextWriter output, ImageDetails details)
    {
        var image = details.Resolved.Image;
        var manifest = details.Resolved.Parsed;
        var process = details.Config.Config;
        return TextBlock.WriteAsync(output,
        [
            ("Name", image.Name),
            ("Namespace", image.Namespace),
            ("Target", $"{image.Target.Digest} {image.Target.MediaType} ({Sizes.Human(image.Target.Size)})"),
            ("Platform", details.Config.Platform.ToString()),
            ("Manifest", $"{details.Resolved.Manifest.Digest} ({Sizes.Human(details.Resolved.Manifest.Size)})"),
            ("Config", $"{manifest.Config!.Digest} ({Sizes.Human(manifest.Config.Size)})"),
            ("Layers", manifest.Layers.Count == 0
                ? TextBlock.None
                : string.Join('\n', manifest.Layers.Select(l => $"{l.Digest} ({Sizes.Human(l.Size)})"))),
            ("Size", Sizes.Human(details.Resolved.Size)),
            ("Entrypoint", Array(process?.Entrypoint)),
            ("Cmd", Array(process?.Cmd)),
            ("Env", process?.Env is { Count: > 0 } env ? string.Join('\n', env) : TextBlock.None),
            ("WorkingDir", TextBlock.Or(process?.WorkingDir)),
            ("User", TextBlock.Or(process?.User)),
            ("Unpacked", TextBlock.Lines(details.Unpacked)),
            ("Labels", TextBlock.Lines(image.Labels)),
            ("Created", ContainerText.Time(image.CreatedAt)),
            ("Updated", ContainerText.Time(image.UpdatedAt)),
        ]);
    }

    /// <summary>As docker inspect shows them: a JSON array, so arguments with spaces stay readable; <c>-</c> when unset.</summary>
    private static string Array(IReadOnlyList<string>? values) =>
        values is null ? TextBlock.None : new JsonArray([.. values.Select(v => (JsonNode?)v)]).ToJsonString(Json.Compact);
}
