using System.Text.Json.Nodes;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Snapshots and mounts as JSON: always every field, absent ones as null, kinds as lower-case words.</summary>
internal static class SnapshotJson
{
    public static JsonObject ToJson(Snapshot snapshot) => new()
    {
        ["key"] = snapshot.Key,
        ["namespace"] = snapshot.Namespace,
        ["snapshotter"] = snapshot.Snapshotter,
        ["kind"] = SnapshotText.Kind(snapshot.Kind),
        ["parent"] = snapshot.Parent,
        ["labels"] = Json.Map(snapshot.Labels),
        ["createdAt"] = Json.Time(snapshot.CreatedAt),
        ["updatedAt"] = Json.Time(snapshot.UpdatedAt),
    };

    public static JsonObject ToJson(Mount mount) => new()
    {
        ["type"] = mount.Type,
        ["source"] = mount.Source,
        ["options"] = new JsonArray([.. mount.Options.Select(o => (JsonNode?)o)]),
    };

    public static Task WriteAsync(TextWriter output, Snapshot snapshot) =>
        output.WriteLineAsync(ToJson(snapshot).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Snapshot> snapshots) =>
        output.WriteLineAsync(new JsonArray([.. snapshots.Select(s => (JsonNode)ToJson(s))]).ToJsonString(Json.Indented));

    /// <summary><c>{snapshot, mounts}</c>: what prepare, view and mounts return.</summary>
    public static Task WriteAsync(TextWriter output, SnapshotMountsResult result) =>
        output.WriteLineAsync(new JsonObject
        {
            ["snapshot"] = ToJson(result.Snapshot),
            ["mounts"] = new JsonArray([.. result.Mounts.Select(m => (JsonNode)ToJson(m))]),
        }.ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, SnapshotUsageResult usage) =>
        output.WriteLineAsync(new JsonObject { ["size"] = usage.Size, ["inodes"] = usage.Inodes }.ToJsonString(Json.Indented));
}
