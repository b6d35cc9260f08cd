using System.CommandLine;

namespace Platform.Cli.Commands.Leases;

internal static class RemoveResourceCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Lease id" };
        var key = new Argument<string>("key") { Description = "Key of the snapshot to let go" };
        var snapshotter = LeasesCommand.SnapshotterOption();
        var command = new Command("rm-resource", "Stop a lease holding a snapshot (collected at once if nothing else keeps it); print what it still holds")
        {
            id, key, snapshotter,
        };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var held = await client.Leases.RemoveResourceAsync(run.Get(id)!, LeasesCommand.Snapshot(run.Get(key)!, run.Get(snapshotter)),
                run.Namespace, run.CancellationToken);
            await LeasesCommand.WriteAsync(run, held);
            return ExitCodes.Ok;
        });
        return command;
    }
}
