using System.Text.Json.Nodes;
using Platform.Cli.Commands.Stats;

namespace Platform.Cli.Output;

/// <summary><c>stats --format json</c>: one compact JSON object per task and sample, one per line (docker's shape), exact bytes.</summary>
internal static class StatsJson
{
    public static JsonObject ToJson(StatsRow row) => new()
    {
        ["containerId"] = row.Sample.ContainerId,
        ["status"] = TaskText.Status(row.Sample.Status),
        ["readAt"] = Json.Time(row.Sample.ReadAt),
        ["cpuPercent"] = Round(row.CpuPercent),
        ["memoryUsageBytes"] = row.Sample.MemoryUsageBytes,
        ["memoryLimitBytes"] = row.Sample.MemoryLimitBytes,
        ["memoryPercent"] = Round(row.MemoryPercent),
        ["memoryCacheBytes"] = row.Sample.MemoryCacheBytes,
        ["netRxBytes"] = row.Sample.NetRxBytes,
        ["netTxBytes"] = row.Sample.NetTxBytes,
        ["blockReadBytes"] = row.Sample.BlockReadBytes,
        ["blockWriteBytes"] = row.Sample.BlockWriteBytes,
        ["pids"] = row.Sample.PidsCurrent,
        ["pidsLimit"] = row.Sample.PidsLimit,
    };

    public static async Task WriteAsync(TextWriter output, IEnumerable<StatsRow> rows)
    {
        foreach (var row in rows)
            await output.WriteLineAsync(ToJson(row).ToJsonString(Json.Compact));
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
