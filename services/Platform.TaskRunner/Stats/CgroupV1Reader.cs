namespace Platform.TaskRunner.Stats;

/// <summary>
/// cgroup v1: one hierarchy per controller under the root (<c>memory</c>, <c>cpuacct</c> or <c>cpu,cpuacct</c>,
/// <c>pids</c>, <c>blkio</c>), the task's cgroup at the same relative path in each.
/// </summary>
internal static class CgroupV1Reader
{
    /// <summary>v1's way of saying "no limit": the largest page-aligned signed 64-bit value.</summary>
    private const long Unlimited = 0x7FFFFFFFFFFFF000;

    public static CgroupUsage Read(string root, string relative)
    {
        var memory = Path.Combine(root, "memory", relative);
        var stat = CgroupFiles.Keyed(Path.Combine(memory, "memory.stat"));
        var limit = CgroupFiles.Number(Path.Combine(memory, "memory.limit_in_bytes"));
        var pids = Path.Combine(root, "pids", relative);
        var (read, written) = Blkio(Path.Combine(root, "blkio", relative));
        return new CgroupUsage(
            CpuUsageNs: CgroupFiles.Number(Path.Combine(root, "cpuacct", relative, "cpuacct.usage"))
                        ?? CgroupFiles.Number(Path.Combine(root, "cpu,cpuacct", relative, "cpuacct.usage")),
            MemoryUsageBytes: CgroupFiles.WithoutInactiveFile(CgroupFiles.Number(Path.Combine(memory, "memory.usage_in_bytes")),
                stat.TryGetValue("total_inactive_file", out var inactive) ? inactive : stat.GetValueOrDefault("inactive_file")),
            MemoryLimitBytes: limit >= Unlimited ? null : limit,
            MemoryCacheBytes: stat.TryGetValue("total_cache", out var cache) ? cache : stat.TryGetValue("cache", out cache) ? cache : null,
            PidsCurrent: CgroupFiles.Number(Path.Combine(pids, "pids.current")),
            PidsLimit: CgroupFiles.Number(Path.Combine(pids, "pids.max")),
            BlockReadBytes: read,
            BlockWriteBytes: written);
    }

    /// <summary>
    /// Bytes read and written, summed over devices (<c>MAJ:MIN Read N</c> lines): the CFQ scheduler's counters when the
    /// kernel has them, else the throttling layer's, which count every request (docker's order).
    /// </summary>
    public static (long? Read, long? Written) Blkio(string folder)
    {
        var text = CgroupFiles.Read(Path.Combine(folder, "blkio.io_service_bytes_recursive"));
        if (string.IsNullOrWhiteSpace(text))
            text = CgroupFiles.Read(Path.Combine(folder, "blkio.throttle.io_service_bytes_recursive"));
        if (text is null)
            return (null, null);
        long read = 0, written = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || CgroupFiles.Parse(parts[2]) is not { } value)
                continue;
            if (parts[1] == "Read")
                read += value;
            else if (parts[1] == "Write")
                written += value;
        }
        return (read, written);
    }
}
