using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Resources;

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
            var removed = new List<Snapshot>();
            int? firstFailure = null;
            // In the order given: "rm child parent" works, since the parent is free once its child is gone.
            foreach (var key in run.Get(keys)!)
            {
                try
                {
                    removed.Add(await client.Snapshots.RemoveAsync(key, run.Get(snapshotter), run.Namespace, run.CancellationToken));
                    if (!run.Json)
                        await run.Out.WriteLineAsync(key);
                }
                catch (PlatformException e)
                {
                    var code = await run.ReportAsync(e);
                    firstFailure ??= code;
                }
            }
            if (run.Json && removed.Count > 0)
                await SnapshotJson.WriteAsync(run.Out, removed);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }
}
