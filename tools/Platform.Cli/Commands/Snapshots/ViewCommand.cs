using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Snapshots;

internal static class ViewCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Key of the new view" };
        var parent = SnapshotsCommand.ParentOption();
        var labels = SnapshotsCommand.LabelOption();
        var lease = SnapshotsCommand.LeaseOption();
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("view", "Create a read-only view of a committed snapshot and print its mounts") { key, parent, labels, lease, snapshotter };
        context.SetAction(command, async run =>
        {
            var request = new ViewSnapshot
            {
                Namespace = run.Namespace,
                Snapshotter = run.Get(snapshotter),
                Key = run.Get(key),
                Parent = run.Get(parent),
                Labels = KeyValues.Parse(run.Get(labels), "--label"),
                LeaseId = run.Get(lease),
            };
            var client = await run.ClientAsync();
            await SnapshotsCommand.WriteAsync(run, await client.Snapshots.ViewAsync(request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
