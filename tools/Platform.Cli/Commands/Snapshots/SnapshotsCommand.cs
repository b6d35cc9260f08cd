using System.CommandLine;
using Platform.Cli.Output;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Snapshots;

internal static class SnapshotsCommand
{
    public static Command Create(CliContext context) => new("snapshots", "Prepare, view, commit, import, inspect, label and remove snapshots")
    {
        PrepareCommand.Create(context),
        PrepareCommand.CreateView(context),
        MountsCommand.Create(context),
        CommitCommand.Create(context),
        ImportCommand.Create(context),
        StatCommand.Create(context),
        ListCommand.Create(context),
        UsageCommand.Create(context),
        LabelCommand.Create(context),
        RemoveCommand.Create(context),
    };

    // Options are made per command: System.CommandLine symbols can't be shared between commands.

    public static Option<string> SnapshotterOption() =>
        new("--snapshotter") { Description = "Snapshotter: overlayfs or native [default: the service's]", HelpName = "NAME" };

    public static Option<string> ParentOption() =>
        new("--parent") { Description = "Committed snapshot to build on", HelpName = "NAME" };

    public static Option<string[]> LabelOption() =>
        new("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };

    public static Option<string> LeaseOption() =>
        new("--lease") { Description = "Lease that holds the new snapshot, so nothing collects it before it is used", HelpName = "ID" };

    /// <summary>Prints one snapshot in the chosen format.</summary>
    public static Task WriteAsync(Invocation run, Snapshot snapshot) =>
        run.Json ? SnapshotJson.WriteAsync(run.Out, snapshot) : SnapshotText.WriteAsync(run.Out, snapshot);

    /// <summary>Prints the mounts (table) or <c>{snapshot, mounts}</c> (JSON).</summary>
    public static Task WriteAsync(Invocation run, SnapshotMountsResult result) =>
        run.Json ? SnapshotJson.WriteAsync(run.Out, result) : SnapshotText.WriteAsync(run.Out, result.Mounts);
}
