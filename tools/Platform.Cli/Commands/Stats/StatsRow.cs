using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Stats;

/// <summary>
/// One line of <c>stats</c>: a sample and the percentages computed against the task's previous sample, as docker
/// computes them (CPU % = Δ task CPU time / Δ host CPU time × online CPUs × 100; MEM % = usage / limit × 100).
/// </summary>
internal sealed record StatsRow(TaskStats Sample, double? CpuPercent, double? MemoryPercent)
{
    public static StatsRow Of(TaskStats current, TaskStats? previous) =>
        new(current, CpuPercentOf(current, previous), MemoryPercentOf(current));

    public static double? CpuPercentOf(TaskStats current, TaskStats? previous)
    {
        if (previous is null || current.CpuUsageNs is not { } usage || previous.CpuUsageNs is not { } before
            || current.SystemCpuNs is not { } system || previous.SystemCpuNs is not { } systemBefore)
            return null;
        var taskDelta = usage - before;
        var systemDelta = system - systemBefore;
        // A restarted task's counter starts again: no meaningful delta this time.
        if (systemDelta <= 0 || taskDelta < 0)
            return 0;
        return (double)taskDelta / systemDelta * Math.Max(current.OnlineCpus, 1) * 100;
    }

    public static double? MemoryPercentOf(TaskStats sample) =>
        sample is { MemoryUsageBytes: { } usage, MemoryLimitBytes: > 0 and var limit } ? (double)usage / limit * 100 : null;
}
