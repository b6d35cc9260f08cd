using System.CommandLine;

namespace Platform.Cli.Commands.Snapshots;

internal static class MountsCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Key of an active snapshot or a view" };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("mounts", "Print the mounts of an active snapshot or a view") { key, snapshotter };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var result = await client.Snapshots.MountsAsync(run.Get(key)!, run.Get(snapshotter), run.Namespace, run.CancellationToken);
            await SnapshotsCommand.WriteAsync(run, result);
            return ExitCodes.Ok;
        });
        return command;
    }
}
