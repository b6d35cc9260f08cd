using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Snapshots;

internal static class UsageCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Snapshot key or committed name" };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("usage", "Show the disk space and inodes a snapshot uses, excluding its parents") { key, snapshotter };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var usage = await client.Snapshots.UsageAsync(run.Get(key)!, run.Get(snapshotter), run.Namespace, run.CancellationToken);
            if (run.Json)
                await SnapshotJson.WriteAsync(run.Out, usage);
            else
                await SnapshotText.WriteAsync(run.Out, usage);
            return ExitCodes.Ok;
        });
        return command;
    }
}
