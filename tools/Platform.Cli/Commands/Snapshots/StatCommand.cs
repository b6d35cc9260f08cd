using System.CommandLine;

namespace Platform.Cli.Commands.Snapshots;

internal static class StatCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Snapshot key or committed name" };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("stat", "Show one snapshot") { key, snapshotter };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var snapshot = await client.Snapshots.StatAsync(run.Get(key)!, run.Get(snapshotter), run.Namespace, run.CancellationToken);
            await SnapshotsCommand.WriteAsync(run, snapshot);
            return ExitCodes.Ok;
        });
        return command;
    }
}
