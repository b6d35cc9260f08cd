using System.CommandLine;
using Platform.Cli.Output;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Leases;

internal static class LeasesCommand
{
    public static Command Create(CliContext context) => new("leases", "Create, list and remove leases, and change what they hold")
    {
        CreateCommand.Create(context),
        ListCommand.Create(context),
        RemoveCommand.Create(context),
        ResourcesCommand.Create(context),
        AddResourceCommand.Create(context),
        RemoveResourceCommand.Create(context),
    };

    public static Option<string> SnapshotterOption() =>
        new("--snapshotter") { Description = "Snapshotter of the snapshot: overlayfs or native [default: the service's]", HelpName = "NAME" };

    /// <summary>A snapshot as a lease resource.</summary>
    public static ResourceRef Snapshot(string key, string? snapshotter) =>
        new() { Kind = "snapshot", Snapshotter = string.IsNullOrEmpty(snapshotter) ? null : snapshotter, Key = key };

    public static Task WriteAsync(Invocation run, Lease lease) =>
        run.Json ? LeaseJson.WriteAsync(run.Out, lease) : LeaseText.WriteAsync(run.Out, lease);

    public static Task WriteAsync(Invocation run, IReadOnlyList<ResourceRef> resources) =>
        run.Json ? LeaseJson.WriteAsync(run.Out, resources) : LeaseText.WriteAsync(run.Out, resources);
}
