using System.Globalization;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Output;

/// <summary>The limits a task runs with, on one line in the flags' terms: <c>memory=64.0 MiB memory-swap=128.0 MiB cpus=0.5 pids-limit=20</c>.</summary>
internal static class TaskLimitsText
{
    public static string Of(TaskResources? resources)
    {
        if (resources is null)
            return TextBlock.None;
        var parts = new List<string>();
        if (resources.MemoryBytes is { } memory)
            parts.Add($"memory={Sizes.Human(memory)}");
        if (resources.MemorySwapBytes is { } swap)
            parts.Add(swap < 0 ? "memory-swap=unlimited" : $"memory-swap={Sizes.Human(swap)}");
        if (resources.CpuQuota is > 0 and var quota)
            parts.Add($"cpus={((double)quota / (resources.CpuPeriod ?? 100_000)).ToString("0.###", CultureInfo.InvariantCulture)}");
        if (resources.CpuShares is { } shares)
            parts.Add($"cpu-shares={shares.ToString(CultureInfo.InvariantCulture)}");
        if (resources.PidsLimit is > 0 and var pids)
            parts.Add($"pids-limit={pids.ToString(CultureInfo.InvariantCulture)}");
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }
}
