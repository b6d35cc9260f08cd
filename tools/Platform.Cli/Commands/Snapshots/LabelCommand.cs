using System.CommandLine;
using Platform.Cli.Input;

namespace Platform.Cli.Commands.Snapshots;

internal static class LabelCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Argument<string>("key") { Description = "Snapshot key or committed name" };
        var labels = new Argument<string[]>("labels") { Description = "Labels to set; KEY= removes KEY", HelpName = "KEY=VALUE", Arity = ArgumentArity.OneOrMore };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("label", "Set or remove labels of a snapshot, leaving the others alone") { key, labels, snapshotter };
        context.SetAction(command, async run =>
        {
            var changes = KeyValues.Parse(run.Get(labels), "label argument")
                .ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var client = await run.ClientAsync();
            // Masks exactly labels.<key> per given key, so a concurrent change to another label survives.
            var snapshot = await client.Snapshots.SetLabelsAsync(run.Get(key)!, changes, run.Get(snapshotter), run.Namespace, run.CancellationToken);
            await SnapshotsCommand.WriteAsync(run, snapshot);
            return ExitCodes.Ok;
        });
        return command;
    }
}
