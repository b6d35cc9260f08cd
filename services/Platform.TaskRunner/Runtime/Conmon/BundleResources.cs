using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts.Tasks;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// A live task's cgroup limits: <c>runc update --resources</c> with an OCI <c>LinuxResources</c> document, then the
/// bundle's <c>config.json</c> changed to match, so it keeps saying what the task runs with (and
/// <see cref="Read"/> answers from it).
/// </summary>
internal sealed class BundleResources(ConmonLayout layout, RuncCommand runc)
{
    /// <summary>See <see cref="ITaskRuntime.UpdateResourcesAsync"/>.</summary>
    public async Task UpdateAsync(TaskHandle task, TaskResources change, CancellationToken cancellationToken)
    {
        var config = layout.ConfigFile(task);
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(config, cancellationToken))!.AsObject();
        var current = FromSpec(spec);
        var document = Document(Merge(current, change));
        var file = Path.Combine(layout.BundleDir(task.Namespace, task.ContainerId), "resources.json");
        await PrivateFiles.WriteAllTextAsync(file, document.ToJsonString(), cancellationToken);
        try
        {
            await runc.UpdateAsync(task, file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
        var linux = spec["linux"] as JsonObject ?? [];
        var resources = linux["resources"] as JsonObject ?? [];
        foreach (var (key, value) in document)
            resources[key] = value?.DeepClone();
        linux["resources"] = resources;
        spec["linux"] = linux;
        await PrivateFiles.WriteAllTextAsync(config, spec.ToJsonString(), cancellationToken);
    }

    /// <summary>See <see cref="ITaskRuntime.ReadResources"/>.</summary>
    public TaskResources? Read(TaskHandle task)
    {
        try
        {
            var text = File.ReadAllText(layout.ConfigFile(task));
            return JsonNode.Parse(text) is JsonObject spec ? FromSpec(spec) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The limits after <paramref name="change"/>: given members replace current ones. A new memory limit above the
    /// current memory-plus-swap limit takes twice itself as memory plus swap, as <c>run</c> does, since the kernel
    /// refuses a memory limit above it.
    /// </summary>
    public static TaskResources Merge(TaskResources current, TaskResources change)
    {
        var memory = change.MemoryBytes ?? current.MemoryBytes;
        var swap = change.MemorySwapBytes ?? current.MemorySwapBytes;
        if (change.MemoryBytes is { } limit && change.MemorySwapBytes is null && swap is { } kept && kept != -1 && kept < limit)
            swap = limit * 2;
        return new TaskResources
        {
            MemoryBytes = memory,
            MemorySwapBytes = swap,
            CpuQuota = change.CpuQuota ?? current.CpuQuota,
            CpuPeriod = change.CpuPeriod ?? current.CpuPeriod ?? (change.CpuQuota is null ? null : 100_000),
            CpuShares = change.CpuShares ?? current.CpuShares,
            PidsLimit = change.PidsLimit ?? current.PidsLimit,
        };
    }

    /// <summary>The OCI <c>LinuxResources</c> fields for memory, cpu and pids that <paramref name="r"/> sets.</summary>
    public static JsonObject Document(TaskResources r)
    {
        var document = new JsonObject();
        if (r.MemoryBytes is not null || r.MemorySwapBytes is not null)
            document["memory"] = Fields(("limit", r.MemoryBytes), ("swap", r.MemorySwapBytes));
        if (r.CpuQuota is not null || r.CpuPeriod is not null || r.CpuShares is not null)
            document["cpu"] = Fields(("quota", r.CpuQuota), ("period", r.CpuPeriod), ("shares", r.CpuShares));
        if (r.PidsLimit is not null)
            document["pids"] = Fields(("limit", r.PidsLimit));
        return document;
    }

    public static TaskResources FromSpec(JsonObject spec)
    {
        var resources = spec["linux"]?["resources"] as JsonObject;
        return new TaskResources
        {
            MemoryBytes = Number(resources?["memory"]?["limit"]),
            MemorySwapBytes = Number(resources?["memory"]?["swap"]),
            CpuQuota = Number(resources?["cpu"]?["quota"]),
            CpuPeriod = Number(resources?["cpu"]?["period"]),
            CpuShares = Number(resources?["cpu"]?["shares"]),
            PidsLimit = Number(resources?["pids"]?["limit"]),
        };
    }

    private static JsonObject Fields(params (string Name, long? Value)[] fields)
    {
        var result = new JsonObject();
        foreach (var (name, value) in fields)
            if (value is { } v)
                result[name] = v;
        return result;
    }

    private static long? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;
}
