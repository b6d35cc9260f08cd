using System.CommandLine;

namespace Platform.Cli.Commands.Leases;

internal static class AddResourceCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Lease id" };
        var key = new Argument<string>("key") { Description = "Key of the snapshot to hold" };
        var snapshotter = LeasesCommand.SnapshotterOption();
        var command = new Command("add-resource", "Make a lease hold a snapshot; print what it holds") { id, key, snapshotter };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var held = await client.Leases.AddResourceAsync(run.Get(id)!, LeasesCommand.Snapshot(run.Get(key)!, run.Get(snapshotter)),
                run.Namespace, run.CancellationToken);
            await LeasesCommand.WriteAsync(run, held);
            return ExitCodes.Ok;
        });
        return command;
    }
}
