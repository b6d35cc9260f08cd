using System.CommandLine;
using Platform.Cli.Input;
using Platform.Client;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Snapshots;

/// <summary><c>snapshots prepare</c> and <c>snapshots view</c>: the same shape, one read-write, one read-only.</summary>
internal static class PrepareCommand
{
    public static Command Create(CliContext context) => Build(context, "prepare", "Create an active (read-write) snapshot and print its mounts",
        "Key of the new active snapshot", (client, r, ct) => client.Snapshots.PrepareAsync(new PrepareSnapshot
        {
            Namespace = r.Namespace, Snapshotter = r.Snapshotter, Key = r.Key, Parent = r.Parent, Labels = r.Labels, LeaseId = r.LeaseId,
        }, ct));

    public static Command CreateView(CliContext context) => Build(context, "view", "Create a read-only view of a committed snapshot and print its mounts",
        "Key of the new view", (client, r, ct) => client.Snapshots.ViewAsync(new ViewSnapshot
        {
            Namespace = r.Namespace, Snapshotter = r.Snapshotter, Key = r.Key, Parent = r.Parent, Labels = r.Labels, LeaseId = r.LeaseId,
        }, ct));

    private sealed record Request(string Namespace, string? Snapshotter, string? Key, string? Parent, IReadOnlyDictionary<string, string> Labels, string? LeaseId);

    private static Command Build(CliContext context, string name, string description, string keyDescription,
        Func<PlatformClient, Request, CancellationToken, Task<SnapshotMountsResult>> send)
    {
        var key = new Argument<string>("key") { Description = keyDescription };
        var parent = SnapshotsCommand.ParentOption();
        var labels = SnapshotsCommand.LabelOption();
        var lease = SnapshotsCommand.LeaseOption();
        var snapshotter = SnapshotsCommand.SnapshotterOption();
        var command = new Command(name, description) { key, parent, labels, lease, snapshotter };
        context.SetAction(command, async run =>
        {
            var request = new Request(run.Namespace, run.Get(snapshotter), run.Get(key), run.Get(parent),
                KeyValues.Parse(run.Get(labels), "--label"), run.Get(lease));
            var client = await run.ClientAsync();
            await SnapshotsCommand.WriteAsync(run, await send(client, request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
