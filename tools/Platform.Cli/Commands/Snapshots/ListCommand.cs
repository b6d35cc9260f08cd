using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Snapshots;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "containerd filter over kind, name, parent and labels.<key>, e.g. kind==committed; repeatable, any may match",
            HelpName = "FILTER",
        };
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("ls", "List the namespace's snapshots of one snapshotter, ordered by key") { filters, snapshotter };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            var snapshots = await client.Snapshots
                .ListAsync(given is { Length: > 0 } ? given : null, run.Get(snapshotter), run.Namespace, run.CancellationToken)
                .ToListAsync(run.CancellationToken);
            if (run.Json)
                await SnapshotJson.WriteAsync(run.Out, snapshots);
            else
                await SnapshotText.WriteAsync(run.Out, snapshots);
            return ExitCodes.Ok;
        });
        return command;
    }
}
