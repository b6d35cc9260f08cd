namespace Platform.TaskRunner.Stats;

/// <summary>What a task's cgroup says of its usage; a member is null when its controller or file is missing.</summary>
/// <param name="MemoryUsageBytes">Usage minus inactive page cache (docker's figure).</param>
/// <param name="MemoryLimitBytes">The limit; null when unlimited.</param>
/// <param name="PidsLimit">Null when unlimited.</param>
public sealed record CgroupUsage(
    long? CpuUsageNs,
    long? MemoryUsageBytes,
    long? MemoryLimitBytes,
    long? MemoryCacheBytes,
    long? PidsCurrent,
    long? PidsLimit,
    long? BlockReadBytes,
    long? BlockWriteBytes);
