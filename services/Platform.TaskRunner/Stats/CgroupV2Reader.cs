namespace Platform.TaskRunner.Stats;

/// <summary>
/// cgroup v2: one unified hierarchy, every controller's files in the task's folder (<c>memory.current</c>,
/// <c>memory.max</c>, <c>memory.stat</c>, <c>cpu.stat</c>, <c>pids.current</c>, <c>pids.max</c>, <c>io.stat</c>).
/// </summary>
internal static class CgroupV2Reader
{
    public static CgroupUsage Read(string root, string relative)
    {
        var folder = Path.Combine(root, relative);
        var memory = CgroupFiles.Keyed(Path.Combine(folder, "memory.stat"));
        var cpu = CgroupFiles.Keyed(Path.Combine(folder, "cpu.stat"));
        var (read, written) = Io(Path.Combine(folder, "io.stat"));
        return new CgroupUsage(
            CpuUsageNs: cpu.TryGetValue("usage_usec", out var usec) ? usec * 1000 : null,
            MemoryUsageBytes: CgroupFiles.WithoutInactiveFile(CgroupFiles.Number(Path.Combine(folder, "memory.current")),
                memory.TryGetValue("inactive_file", out var inactive) ? inactive : null),
            MemoryLimitBytes: CgroupFiles.Number(Path.Combine(folder, "memory.max")),
            MemoryCacheBytes: memory.TryGetValue("file", out var file) ? file : null,
            PidsCurrent: CgroupFiles.Number(Path.Combine(folder, "pids.current")),
            PidsLimit: CgroupFiles.Number(Path.Combine(folder, "pids.max")),
            BlockReadBytes: read,
            BlockWriteBytes: written);
    }

    /// <summary>Bytes read and written, summed over the devices of <c>io.stat</c> (<c>MAJ:MIN rbytes=N wbytes=N …</c>).</summary>
    public static (long? Read, long? Written) Io(string file)
    {
        var text = CgroupFiles.Read(file);
        if (text is null)
            return (null, null);
        long read = 0, written = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var pair in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var equals = pair.IndexOf('=');
                if (equals < 0 || CgroupFiles.Parse(pair[(equals + 1)..]) is not { } value)
                    continue;
                switch (pair[..equals])
                {
                    case "rbytes":
                        read += value;
                        break;
                    case "wbytes":
                        written += value;
                        break;
                }
            }
        }
        return (read, written);
    }
}
