using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Snapshots;

internal static class CommitCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Name of the committed snapshot" };
        var key = new Argument<string>("key") { Description = "Key of the active snapshot to commit; it disappears" };
        var labels = new Option<string[]>("--label") { Description = "Label of the committed snapshot; given ones replace the active snapshot's; repeatable", HelpName = "KEY=VALUE" };
        var lease = SnapshotsCommand.LeaseOption();
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("commit", "Turn an active snapshot into a committed one and print it") { name, key, labels, lease, snapshotter };
        context.SetAction(command, async run =>
        {
            var given = KeyValues.Parse(run.Get(labels), "--label");
            var request = new CommitSnapshot
            {
                Namespace = run.Namespace,
                Snapshotter = run.Get(snapshotter),
                Name = run.Get(name),
                Key = run.Get(key),
                // None given keeps the active snapshot's labels; an empty map would replace them with nothing.
                Labels = given.Count > 0 ? given : null,
                LeaseId = run.Get(lease),
            };
            var client = await run.ClientAsync();
            await SnapshotsCommand.WriteAsync(run, await client.Snapshots.CommitAsync(request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
