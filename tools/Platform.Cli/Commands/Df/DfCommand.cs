using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Df;

internal static class DfCommand
{
    public const string Help = """
        Show the namespace's disk usage, as docker system df does: one row per type.
          TOTAL        how many there are
          ACTIVE       how many are in use: images a container names, containers with a running or paused task,
                       snapshots that are a container's rootfs or below one, content an image keeps
          SIZE         bytes: images = their content as stored, each blob once (every platform stored; the layers
                       unpacked into snapshots are counted under Snapshots); containers = their own snapshots'
                       files (the writable layer only); snapshots = each snapshot's own files; content = all blobs
          RECLAIMABLE  bytes that could go: images = content no image a container names reaches (approximate: it
                       ignores leases and labels that keep content, and the snapshots an image's removal frees);
                       containers = the own snapshots of containers without a live task; snapshots and content =
                       what a collection pass would free now (gc --dry-run, for this namespace)
        Rows overlap: image content is also Content, container snapshots are also Snapshots.
        """;

    public static Command Create(CliContext context)
    {
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter whose snapshots to count [default: the service's]", HelpName = "NAME" };
        var command = new Command("df", Help) { snapshotter };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var rows = await DiskUsage.MeasureAsync(client, run.Namespace, run.Get(snapshotter), run.CancellationToken);
            if (run.Json)
            {
                await run.Out.WriteLineAsync(new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["type"] = r.Type, ["total"] = r.Total, ["active"] = r.Active, ["size"] = r.Size, ["reclaimable"] = r.Reclaimable,
                })]).ToJsonString(Json.Indented));
                return ExitCodes.Ok;
            }
            await TextTable.WriteAsync(run.Out, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
                rows.Select(r => new[] { r.Type, Number(r.Total), Number(r.Active), Sizes.Human(r.Size), Reclaimable(r) }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>docker's form: the bytes and their share of the size.</summary>
    private static string Reclaimable(DiskUsageRow row) =>
        row.Size <= 0 ? Sizes.Human(row.Reclaimable) : $"{Sizes.Human(row.Reclaimable)} ({Math.Min(100, row.Reclaimable * 100 / row.Size).ToString(CultureInfo.InvariantCulture)}%)";
}
