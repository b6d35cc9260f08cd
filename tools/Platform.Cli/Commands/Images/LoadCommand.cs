using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Client.Images;

namespace Platform.Cli.Commands.Images;

internal static class LoadCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Option<string>("--input", "-i")
        {
            Description = "OCI archive (tar or tar.gz), OCI layout folder, or docker save tar",
            HelpName = "PATH",
            Required = true,
        };
        var name = new Option<string>("--name")
        {
            Description = "Name for images the archive leaves unnamed or names by a tag only (then NAME's repository with that tag)",
            HelpName = "NAME",
        };
        var platform = new Option<string>("--platform") { Description = "Platform to take from indexes [default: this host's]", HelpName = "OS/ARCH[/VARIANT]" };
        var allPlatforms = new Option<bool>("--all-platforms") { Description = "Store every platform's blobs (unpacks none unless the image is one manifest)" };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter to unpack into [default: the service's]", HelpName = "NAME" };
        var noUnpack = new Option<bool>("--no-unpack") { Description = "Store the content only, without unpacking the layers into snapshots" };
        var command = new Command("load", "Load images from an archive into the content store, unpack them and name them; print each name")
        {
            input, name, platform, allPlatforms, snapshotter, noUnpack,
        };
        context.SetAction(command, async run =>
        {
            if (run.Has(platform) && run.Get(allPlatforms))
                return await run.UsageErrorAsync("--platform and --all-platforms exclude each other");
            // Input errors (a missing path, a file that is no archive, a bad platform or name) come before the broker.
            var path = ImageArchivePath.Check(run.Get(input)!, "--input");
            var options = new ImageLoadOptions
            {
                Platform = run.Get(platform) is { } text ? ImagePlatform.Parse(text) : null,
                AllPlatforms = run.Get(allPlatforms),
                Name = run.Get(name) is { } given ? Common.References.ImageName.Parse(given).Normalized : null,
                Snapshotter = run.Get(snapshotter),
                Unpack = !run.Get(noUnpack),
                Namespace = run.Namespace,
            };
            var client = await run.ClientAsync();
            var progress = BlobProgressView.For(run, "loading");
            IReadOnlyList<LoadedImage> loaded;
            try
            {
                loaded = await new ImageLoader(client).LoadAsync(path, options, progress, run.CancellationToken);
            }
            finally
            {
                progress.Finish();
            }
            if (run.Json)
            {
                await run.Out.WriteLineAsync(new JsonArray([.. loaded.Select(l => (JsonNode)new JsonObject
                {
                    ["image"] = ImageJson.ToJson(l.Image),
                    ["unpacked"] = l.Unpacked is { } u
                        ? new JsonObject
                        {
                            ["snapshotter"] = u.Snapshotter, ["chainId"] = u.ChainId, ["manifest"] = u.Manifest, ["config"] = u.Config,
                            ["layers"] = u.Layers, ["layersUnpacked"] = u.Unpacked,
                        }
                        : null,
                })]).ToJsonString(Json.Indented));
            }
            else
            {
                foreach (var image in loaded)
                    await run.Out.WriteLineAsync($"Loaded image: {ImageText.Familiar(image.Image.Name)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
