using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.Client.Images;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Images;

internal static class SaveCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "Images to save", Arity = ArgumentArity.OneOrMore };
        // docker's -o/--output is platformctl's output format, so the archive is -f/--file.
        var file = new Option<string>("--file", "-f")
        {
            Description = "Archive to write (replaced when it exists; written to FILE.tmp and renamed when complete)",
            HelpName = "FILE",
            Required = true,
        };
        var platform = new Option<string>("--platform")
        {
            Description = "Platform an index resolves to for docker's manifest.json [default: this host's]",
            HelpName = "OS/ARCH[/VARIANT]",
        };
        var command = new Command("save", "Save images with all their stored content to an OCI archive that docker load and images load read")
        {
            names, file, platform,
        };
        context.SetAction(command, async run =>
        {
            var path = Path.GetFullPath(run.Get(file)!);
            if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
                throw PlatformException.InvalidArgument($"--file \"{run.Get(file)}\": folder {folder} does not exist");
            var resolveFor = run.Get(platform) is { } text ? ImagePlatform.Parse(text) : ImagePlatform.Host;
            var client = await run.ClientAsync();
            // Every name is looked up before the file is created: a missing image leaves no file behind.
            var images = new List<ImageToExport>();
            foreach (var name in run.Get(names)!)
            {
                var image = await client.Images.GetAsync(name, run.Namespace, run.CancellationToken);
                images.Add(new ImageToExport(image.Name, new Descriptor { MediaType = image.Target.MediaType, Digest = image.Target.Digest, Size = image.Target.Size }));
            }
            var progress = BlobProgressView.For(run, "saving");
            var writer = new ImageArchiveWriter(async (digest, ct) =>
            {
                var blob = await client.Content.ReadAsync(digest, run.Namespace, ct);
                return new ProgressStream(blob, digest, blob.Length, progress);
            })
            {
                Platform = resolveFor,
            };
            var temporary = path + ".tmp";
            long size;
            try
            {
                await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await writer.WriteAsync(output, images, run.CancellationToken);
                    await output.FlushAsync(run.CancellationToken);
                    size = output.Length;
                }
                File.Move(temporary, path, overwrite: true);
            }
            catch
            {
                // The writer can fail half-way (a blob missing or corrupt): no partial archive is left.
                File.Delete(temporary);
                throw;
            }
            finally
            {
                progress.Finish();
            }
            if (run.Json)
                await run.Out.WriteLineAsync(new JsonObject
                {
                    ["file"] = path,
                    ["size"] = size,
                    ["images"] = new JsonArray([.. images.Select(i => (JsonNode?)i.Name)]),
                }.ToJsonString(Json.Indented));
            return ExitCodes.Ok;
        });
        return command;
    }
}
