using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// One sample of a task's resource usage. Counters are cumulative since the task started; a member is null when this
/// host can't read it (no such cgroup controller, the task not running).
/// </summary>
[MessageUrn("platform:tasks:TaskStats")]
public sealed record TaskStats
{
    /// <summary>Required. The task's container.</summary>
    public required string ContainerId { get; init; }

    /// <summary>Required. The task's status when sampled.</summary>
    public required TaskState Status { get; init; }

    /// <summary>Required. When the runner read the sample.</summary>
    public required DateTimeOffset ReadAt { get; init; }

    /// <summary>Optional. CPU time the task's processes used, in nanoseconds.</summary>
    public long? CpuUsageNs { get; init; }

    /// <summary>Optional. CPU time the whole host spent (every CPU, every state, from <c>/proc/stat</c>), in nanoseconds.</summary>
    public long? SystemCpuNs { get; init; }

    /// <summary>Required. CPUs online on the host (CPU % = Δusage / Δsystem × this × 100, as docker computes it).</summary>
    public int OnlineCpus { get; init; }

    /// <summary>Optional. Memory in use, in bytes, as docker counts it: the cgroup's usage minus its inactive page cache.</summary>
    public long? MemoryUsageBytes { get; init; }

    /// <summary>Optional. The memory limit in bytes; the host's memory when the task has no lower limit.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Optional. Page cache charged to the task, in bytes.</summary>
    public long? MemoryCacheBytes { get; init; }

    /// <summary>Optional. Processes (and threads) in the task's cgroup.</summary>
    public long? PidsCurrent { get; init; }

    /// <summary>Optional. The cgroup's pids limit; null when unlimited.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Optional. Bytes read from block devices.</summary>
    public long? BlockReadBytes { get; init; }

    /// <summary>Optional. Bytes written to block devices.</summary>
    public long? BlockWriteBytes { get; init; }

    /// <summary>Optional. Bytes received on the task's network interfaces (loopback excluded).</summary>
    public long? NetRxBytes { get; init; }

    /// <summary>Optional. Bytes sent on the task's network interfaces (loopback excluded).</summary>
    public long? NetTxBytes { get; init; }
}
