using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Snapshots;

internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var keys = new Argument<string[]>("key") { Description = "Snapshots to remove, children before their parents", Arity = ArgumentArity.OneOrMore };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("rm", "Remove snapshots; goes on past failures and exits with the first one's code") { keys, snapshotter };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            // In the order given: "rm child parent" works, since the parent is free once its child is gone.
            return await run.RemoveEachAsync(run.Get(keys)!,
                key => client.Snapshots.RemoveAsync(key, run.Get(snapshotter), run.Namespace, run.CancellationToken),
                SnapshotJson.WriteAsync);
        });
        return command;
    }
}
