using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.Client.Images;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Images;

/// <summary>What pull and push print: one line (name and digest), or with <c>-o json</c> an object.</summary>
internal static class ImageTransferOutput
{
    public static Task WriteAsync(Invocation run, PulledImage pulled)
    {
        var image = pulled.Image;
        if (!run.Json)
            return run.Out.WriteLineAsync($"{image.Name} {image.Target.Digest}");
        return run.Out.WriteLineAsync(new JsonObject
        {
            ["name"] = image.Name,
            ["target"] = Descriptor(image.Target.MediaType, image.Target.Digest, image.Target.Size),
            ["createdAt"] = Json.Time(image.CreatedAt),
            ["updatedAt"] = Json.Time(image.UpdatedAt),
            ["unpacked"] = pulled.Unpacked is { } u ? Unpacked(u) : null,
        }.ToJsonString(Json.Indented));
    }

    public static Task WriteAsync(Invocation run, PushedImage pushed) =>
        run.Json
            ? run.Out.WriteLineAsync(new JsonObject
            {
                ["name"] = pushed.Name,
                ["target"] = Descriptor(pushed.Target.MediaType, pushed.Target.Digest, pushed.Target.Size),
            }.ToJsonString(Json.Indented))
            : run.Out.WriteLineAsync($"{pushed.Name} {pushed.Target.Digest}");

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    private static JsonObject Unpacked(UnpackImageResult u) => new()
    {
        ["snapshotter"] = u.Snapshotter,
        ["chainId"] = u.ChainId,
        ["manifest"] = u.Manifest,
        ["config"] = u.Config,
        ["layers"] = u.Layers,
        ["unpackedLayers"] = u.Unpacked,
    };
}
