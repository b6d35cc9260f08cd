using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Client.Images;

namespace Platform.Cli.Commands.Images;

/// <summary><c>images import DIR|TARBALL NAME</c>: docker import, an image of one layer from a root filesystem.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("source") { Description = "A root filesystem: a folder (archived on the fly) or a tar / tar.gz file", HelpName = "DIR|TARBALL" };
        var name = new Argument<string>("name") { Description = "The image's name, e.g. busybox:local", HelpName = "NAME" };
        var changes = new Option<string[]>("--change", "-c")
        {
            Description = "Dockerfile instruction for the config: CMD, ENTRYPOINT, ENV, WORKDIR, USER or STOPSIGNAL, e.g. 'CMD [\"sh\"]'; repeatable",
            HelpName = "INSTRUCTION",
        };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter to unpack into [default: the service's]", HelpName = "NAME" };
        var command = new Command("import", "Make an image of one layer from a root filesystem (docker import), unpacked and ready to run; print its name")
        {
            source, name, changes, snapshotter,
        };
        context.SetAction(command, async run =>
        {
            var config = ImageChanges.Apply(run.Get(changes));
            Common.References.ImageName.Parse(run.Get(name));
            // Input errors (a missing path, a file that is no archive) are reported before reaching the broker.
            await using var tar = await ImportSource.OpenAsync(run.Get(source)!, run.CancellationToken, "source");
            var client = await run.ClientAsync();
            var progress = BlobProgressView.For(run, "importing");
            LoadedImage imported;
            try
            {
                imported = await new ImageImporter(client).ImportAsync(tar, run.Get(name)!, config, run.Get(snapshotter), run.Namespace, progress, run.CancellationToken);
            }
            finally
            {
                progress.Finish();
            }
            await run.Out.WriteLineAsync(run.Json
                ? new System.Text.Json.Nodes.JsonObject { ["name"] = imported.Image.Name, ["digest"] = imported.Image.Target.Digest }.ToJsonString()
                : imported.Image.Name);
            return ExitCodes.Ok;
        });
        return command;
    }
}
