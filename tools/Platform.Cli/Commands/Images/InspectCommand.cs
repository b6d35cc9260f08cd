using System.CommandLine;
using Platform.Cli.Output;
using Platform.Client.Images;

namespace Platform.Cli.Commands.Images;

internal static class InspectCommand
{
    /// <summary>The content label the unpacker puts on an image config, per snapshotter: its value is the chain id.</summary>
    public const string SnapshotLabelPrefix = "platform.io/gc.ref.snapshot.";

    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Image name, e.g. busybox:1.36 or docker.io/library/busybox:1.36" };
        var platform = new Option<string>("--platform") { Description = "Platform to resolve an index for [default: this host's]", HelpName = "OS/ARCH[/VARIANT]" };
        var command = new Command("inspect", "Show an image: its record, manifest, config, layers, process defaults and unpacked snapshots") { name, platform };
        context.SetAction(command, async run =>
        {
            var wanted = run.Get(platform) is { } text ? ImagePlatform.Parse(text) : null;
            var client = await run.ClientAsync();
            var image = await client.Images.GetAsync(run.Get(name)!, run.Namespace, run.CancellationToken);
            var resolved = await ImageResolver.ResolveAsync(client, image, wanted, run.Namespace, run.CancellationToken);
            var config = await ImageResolver.ConfigAsync(client, resolved, run.Namespace, run.CancellationToken);
            var configInfo = await client.Content.InfoAsync(resolved.Parsed.Config!.Digest, run.Namespace, run.CancellationToken);
            var unpacked = configInfo.Labels
                .Where(l => l.Key.StartsWith(SnapshotLabelPrefix, StringComparison.Ordinal))
                .ToDictionary(l => l.Key[SnapshotLabelPrefix.Length..], l => l.Value);
            var details = new ImageDetails(resolved, config, unpacked);
            if (run.Json)
                await ImageJson.WriteAsync(run.Out, details);
            else
                await ImageText.WriteAsync(run.Out, details);
            return ExitCodes.Ok;
        });
        return command;
    }
}
