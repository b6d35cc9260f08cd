using System.CommandLine;
using Platform.Cli.Output;
using Platform.Client.Images;

namespace Platform.Cli.Commands.Images;

internal static class PullCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Argument<string>("reference") { Description = "Image to pull: NAME[:TAG] or NAME@sha256:DIGEST (busybox, 127.0.0.1:5000/app:1)" };
        var registry = new RegistryOptions();
        var platform = new Option<string>("--platform") { Description = "Platform to take from a multi-platform image [default: the host's]", HelpName = "OS/ARCH[/VARIANT]" };
        var allPlatforms = new Option<bool>("--all-platforms") { Description = "Take every platform's content from a multi-platform image" };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter to unpack into: overlayfs or native [default: the service's]", HelpName = "NAME" };
        var noUnpack = new Option<bool>("--no-unpack") { Description = "Only store the content; do not unpack the layers into snapshots" };
        var command = new Command("pull", "Pull an image from a registry, showing progress on stderr; print its name and digest")
        {
            reference, platform, allPlatforms, snapshotter, noUnpack,
        };
        foreach (var option in registry.All)
            command.Options.Add(option);
        context.SetAction(command, async run =>
        {
            // Input errors are reported before reaching the broker or the registry.
            var options = new ImagePullOptions
            {
                PlainHttp = run.Get(registry.PlainHttp),
                Credentials = await registry.CredentialsAsync(run),
                Platform = RegistryOptions.ParsePlatform(run.Get(platform)),
                AllPlatforms = run.Get(allPlatforms),
                Snapshotter = run.Get(snapshotter),
                Unpack = !run.Get(noUnpack),
                Namespace = run.Namespace,
            };
            var name = Common.References.ImageName.Parse(run.Get(reference));
            var client = await run.ClientAsync();
            var progress = BlobProgressView.For(run, "pulling");
            PulledImage pulled;
            try
            {
                pulled = await new ImagePuller(client).PullAsync(name.Normalized, options, progress, run.CancellationToken);
            }
            finally
            {
                progress.Finish();
            }
            await ImageTransferOutput.WriteAsync(run, pulled);
            return ExitCodes.Ok;
        });
        return command;
    }
}
