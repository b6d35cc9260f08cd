using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Snapshots;

internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Name of the committed snapshot to create" };
        var from = new Option<string>("--from")
        {
            Description = "A folder (archived on the fly) or a tar / tar.gz file (recognised by its content, sent as is)",
            HelpName = "DIR|TARBALL",
            Required = true,
        };
        var parent = SnapshotsCommand.ParentOption();
        var labels = SnapshotsCommand.LabelOption();
        var lease = SnapshotsCommand.LeaseOption();
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command("import", "Import a folder or a tar archive as a committed snapshot, showing progress on stderr; print the snapshot")
        {
            name, from, parent, labels, lease, snapshotter,
        };
        context.SetAction(command, async run =>
        {
            var snapshotName = run.Get(name)!;
            var parsedLabels = KeyValues.Parse(run.Get(labels), "--label");
            // Input errors (a missing path, a file that is no archive) are reported before reaching the broker.
            await using var archive = await ImportSource.OpenAsync(run.Get(from)!, run.CancellationToken);
            var client = await run.ClientAsync();
            var terminal = ReferenceEquals(run.Err, Console.Error) && !Console.IsErrorRedirected;
            var progress = new ImportProgress(run.Err, snapshotName, terminal);
            Contracts.Resources.Snapshot snapshot;
            try
            {
                snapshot = await client.Snapshots.ImportAsync(archive, snapshotName, run.Get(parent), parsedLabels, run.Get(lease),
                    run.Get(snapshotter), run.Namespace, progress, run.CancellationToken);
            }
            finally
            {
                progress.Finish();
            }
            await SnapshotsCommand.WriteAsync(run, snapshot);
            return ExitCodes.Ok;
        });
        return command;
    }
}
