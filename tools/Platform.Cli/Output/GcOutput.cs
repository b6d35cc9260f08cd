using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Cli.Input;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>What a collection pass removed, and why a resource is alive: as text or as the reply's JSON.</summary>
internal static class GcOutput
{
    /// <summary>The removed snapshots and content (a table, when there are any; content has no snapshotter), then one summary line.</summary>
    public static async Task WriteTextAsync(TextWriter output, GarbageCollectionResult result)
    {
        var removed = result.Removed
            .OrderBy(r => r.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Resource.Snapshotter, StringComparer.Ordinal)
            .ThenBy(r => r.Resource.Key, StringComparer.Ordinal)
            .ToList();
        if (removed.Count > 0)
            await TextTable.WriteAsync(output, ["NAMESPACE", "SNAPSHOTTER", "KEY", "SIZE"],
                removed.Select(r => new[] { r.Namespace, TextBlock.Or(r.Resource.Snapshotter), r.Resource.Key, Sizes.Human(r.Size) }));
        var blobs = removed.Count(r => r.Resource.Kind == ResourceName.Content);
        var snapshots = removed.Count - blobs;
        var count = (snapshots == 1 ? "1 snapshot" : $"{snapshots} snapshots") + (blobs == 0 ? "" : blobs == 1 ? " and 1 content blob" : $" and {blobs} content blobs");
        var verb = result.DryRun ? "would remove" : "removed";
        var freed = result.DryRun ? "would free" : "freed";
        await output.WriteLineAsync(
            $"{verb} {count}, {freed} {Sizes.Human(result.BytesFreed)} in {result.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
    }

    /// <summary>The reply as it came, field for field.</summary>
    public static Task WriteJsonAsync(TextWriter output, GarbageCollectionResult result) =>
        output.WriteLineAsync(new JsonObject
        {
            ["removed"] = new JsonArray([.. result.Removed.Select(r => (JsonNode)new JsonObject
            {
                ["namespace"] = r.Namespace,
                ["resource"] = ResourceJson.ToJson(r.Resource),
                ["size"] = r.Size,
            })]),
            ["bytesFreed"] = result.BytesFreed,
            ["duration"] = result.Duration.ToString("c", CultureInfo.InvariantCulture),
            ["dryRun"] = result.DryRun,
        }.ToJsonString(Json.Indented));

    /// <summary><c>snapshot overlayfs/busybox is alive:</c> and one line per chain, or that it is garbage.</summary>
    public static async Task WriteTextAsync(TextWriter output, ResourceExplanation explanation)
    {
        var name = $"{explanation.Resource.Kind} {(explanation.Resource.Snapshotter is { } snapshotter ? snapshotter + "/" : "")}{explanation.Resource.Key}";
        if (!explanation.Alive || explanation.Chains.Count == 0)
        {
            await output.WriteLineAsync($"{name} is garbage: nothing references it");
            return;
        }
        await output.WriteLineAsync($"{name} is alive:");
        foreach (var chain in explanation.Chains)
            await output.WriteLineAsync("  " + string.Join(" <- ", chain));
    }

    public static Task WriteJsonAsync(TextWriter output, ResourceExplanation explanation) =>
        output.WriteLineAsync(new JsonObject
        {
            ["resource"] = ResourceJson.ToJson(explanation.Resource),
            ["alive"] = explanation.Alive,
            ["chains"] = new JsonArray([.. explanation.Chains.Select(c => (JsonNode)new JsonArray([.. c.Select(step => (JsonNode?)step)]))]),
        }.ToJsonString(Json.Indented));
}
