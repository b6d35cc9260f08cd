using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Snapshots;

internal static class PrepareCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Key of the new active snapshot" };
        var parent = SnapshotsCommand.ParentOption();
        var labels = SnapshotsCommand.LabelOption();
        var lease = SnapshotsCommand.LeaseOption();
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("prepare", "Create an active (read-write) snapshot and print its mounts") { key, parent, labels, lease, snapshotter };
        context.SetAction(command, async run =>
        {
            var request = new PrepareSnapshot
            {
                Namespace = run.Namespace,
                Snapshotter = run.Get(snapshotter),
                Key = run.Get(key),
                Parent = run.Get(parent),
                Labels = KeyValues.Parse(run.Get(labels), "--label"),
                LeaseId = run.Get(lease),
            };
            var client = await run.ClientAsync();
            await SnapshotsCommand.WriteAsync(run, await client.Snapshots.PrepareAsync(request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
