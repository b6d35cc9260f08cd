using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime.Conmon;

namespace Platform.TaskRunner.Stats;

/// <summary>
/// One sample of a live task: its cgroup (v1 or v2, whichever the host mounts at the root), the host's CPU time, and
/// the network counters of its init process's namespace.
/// </summary>
public sealed class TaskStatsReader(StatsRoots roots, TimeProvider clock)
{
    /// <param name="cgroupPath">The task's cgroupfs path (e.g. <c>/platform/ns/id</c>); null when unknown (only the rest is read).</param>
    /// <param name="pid">Host pid of the init process.</param>
    public TaskStats Read(string containerId, TaskState status, string? cgroupPath, int pid)
    {
        var host = HostCpu.Read(roots.Proc);
        var usage = cgroupPath is null ? null : ReadCgroup(roots.Cgroups, cgroupPath);
        var (rx, tx) = pid > 0 ? NetDev.Read(roots.Proc, pid) : (null, null);
        var hostMemory = HostCpu.MemoryBytes(roots.Proc);
        return new TaskStats
        {
            ContainerId = containerId,
            Status = status,
            ReadAt = clock.GetUtcNow(),
            CpuUsageNs = usage?.CpuUsageNs,
            SystemCpuNs = host.SystemCpuNs,
            OnlineCpus = host.OnlineCpus,
            MemoryUsageBytes = usage?.MemoryUsageBytes,
            // As docker: no limit, or one above the machine's memory, shows as the machine's memory.
            MemoryLimitBytes = usage?.MemoryLimitBytes is { } limit && (hostMemory is null || limit < hostMemory) ? limit : hostMemory,
            MemoryCacheBytes = usage?.MemoryCacheBytes,
            PidsCurrent = usage?.PidsCurrent,
            PidsLimit = usage?.PidsLimit,
            BlockReadBytes = usage?.BlockReadBytes,
            BlockWriteBytes = usage?.BlockWriteBytes,
            NetRxBytes = rx,
            NetTxBytes = tx,
        };
    }

    /// <summary>A task that isn't running: nothing to read, every counter zero (what docker shows for a stopped container).</summary>
    public TaskStats Idle(string containerId, TaskState status) => new()
    {
        ContainerId = containerId, Status = status, ReadAt = clock.GetUtcNow(), OnlineCpus = HostCpu.Read(roots.Proc).OnlineCpus,
    };

    /// <summary>The v2 unified hierarchy when the root is one, else v1's per-controller hierarchies.</summary>
    public static CgroupUsage ReadCgroup(string root, string cgroupPath)
    {
        var relative = cgroupPath.TrimStart('/');
        return CgroupOom.IsUnified(root) ? CgroupV2Reader.Read(root, relative) : CgroupV1Reader.Read(root, relative);
    }
}
