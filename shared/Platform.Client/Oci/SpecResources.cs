using System.Text.Json.Nodes;

namespace Platform.Client.Oci;

/// <summary>
/// Writes <see cref="ResourceLimits"/> into an OCI spec: <c>linux.resources</c> (memory, cpu, pids), <c>process.rlimits</c>
/// and the process's capability sets, as docker's daemon does. Capabilities beyond the default set stay subject to
/// the runtime policy: the spec asks, the metadata service and the task runner decide.
/// </summary>
public static class SpecResources
{
    private static readonly string[] CapabilitySets = ["bounding", "effective", "permitted"];

    /// <summary>Changes <paramref name="spec"/> in place; nothing when <paramref name="limits"/> is null or empty.</summary>
    public static void Apply(JsonObject spec, ResourceLimits? limits)
    {
        if (limits is null || limits.IsEmpty)
            return;
        var resources = Child(Child(spec, "linux"), "resources");
        if (limits.MemoryBytes is { } memory)
        {
            var node = Child(resources, "memory");
            node["limit"] = memory;
            // docker's default: as much swap as memory (swap here is memory plus swap).
            node["swap"] = limits.MemorySwapBytes ?? memory * 2;
        }
        else if (limits.MemorySwapBytes is { } swap)
            Child(resources, "memory")["swap"] = swap;
        if (limits.CpuQuota is not null || limits.CpuShares is not null)
        {
            var cpu = Child(resources, "cpu");
            if (limits.CpuQuota is { } quota)
            {
                cpu["quota"] = quota;
                cpu["period"] = limits.CpuPeriod ?? LimitSyntax.CpuPeriod;
            }
            if (limits.CpuShares is { } shares)
                cpu["shares"] = shares;
        }
        if (limits.PidsLimit is { } pids)
            Child(resources, "pids")["limit"] = pids;

        var process = Child(spec, "process");
        if (limits.Ulimits.Count > 0)
            process["rlimits"] = Rlimits(process["rlimits"] as JsonArray, limits.Ulimits);
        if (limits.CapAdd.Count > 0 || limits.CapDrop.Count > 0)
            ChangeCapabilities(Child(process, "capabilities"), limits.CapAdd, limits.CapDrop);
    }

    /// <summary>
    /// docker's rule: dropping ALL starts from none; otherwise the spec's set with the added ones, less the dropped
    /// ones. Adding ALL gives every capability. Applied to the bounding, effective and permitted sets.
    /// </summary>
    private static void ChangeCapabilities(JsonObject capabilities, IReadOnlyList<string> add, IReadOnlyList<string> drop)
    {
        foreach (var set in CapabilitySets)
        {
            var current = capabilities[set] is JsonArray existing
                ? existing.Select(c => c?.GetValue<string>()).OfType<string>().ToList()
                : [.. DefaultSpec.Capabilities];
            if (drop.Contains("ALL"))
                current.Clear();
            else
                current.RemoveAll(drop.Contains);
            foreach (var name in add.Contains("ALL") ? LimitSyntax.AllCapabilities : add)
                if (!current.Contains(name) && (!drop.Contains(name) || drop.Contains("ALL")))
                    current.Add(name);
            capabilities[set] = new JsonArray([.. current.Select(c => (JsonNode?)c)]);
        }
        // The inheritable and ambient sets may not hold more than the bounding set lets a process keep.
        foreach (var set in new[] { "inheritable", "ambient" })
            if (capabilities[set] is JsonArray held)
                capabilities[set] = new JsonArray([.. held.Select(c => c?.GetValue<string>()).OfType<string>()
                    .Where(c => ((JsonArray)capabilities["bounding"]!).Any(b => b?.GetValue<string>() == c)).Select(c => (JsonNode?)c)]);
    }

    private static JsonArray Rlimits(JsonArray? existing, IReadOnlyList<Ulimit> ulimits)
    {
        var result = new JsonArray();
        foreach (var item in existing ?? [])
            if (item is JsonObject rlimit && !ulimits.Any(u => u.Type == (string?)rlimit["type"]))
                result.Add(rlimit.DeepClone());
        foreach (var ulimit in ulimits.GroupBy(u => u.Type).Select(g => g.Last()))
            result.Add((JsonNode)new JsonObject { ["type"] = ulimit.Type, ["hard"] = ulimit.Hard, ["soft"] = ulimit.Soft });
        return result;
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child)
            return child;
        child = [];
        parent[name] = child;
        return child;
    }
}
