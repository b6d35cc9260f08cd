namespace Platform.TaskRunner.Stats;

/// <summary>
/// The host's side of a CPU percentage, from <c>/proc/stat</c>: the CPU time spent in every state by every CPU
/// (docker's system usage), the CPUs online, and the boot time processes' start times count from.
/// </summary>
internal static class HostCpu
{
    /// <summary>Kernel clock ticks per second (<c>USER_HZ</c>): 100 on every Linux ABI .NET runs on.</summary>
    public const long TicksPerSecond = 100;

    public sealed record Sample(long? SystemCpuNs, int OnlineCpus, DateTimeOffset? BootTime);

    public static Sample Read(string procRoot) => Parse(CgroupFiles.Read(Path.Combine(procRoot, "stat")));

    public static Sample Parse(string? text)
    {
        long? system = null;
        var cpus = 0;
        DateTimeOffset? boot = null;
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "cpu")
                // user nice system idle iowait irq softirq: the seven docker adds up.
                system = parts.Skip(1).Take(7).Sum(p => CgroupFiles.Parse(p) ?? 0) * (1_000_000_000 / TicksPerSecond);
            else if (parts[0].StartsWith("cpu", StringComparison.Ordinal))
                cpus++;
            else if (parts[0] == "btime" && parts.Length == 2 && CgroupFiles.Parse(parts[1]) is { } seconds)
                boot = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        return new Sample(system, Math.Max(cpus, 1), boot);
    }

    /// <summary>The host's memory in bytes (<c>MemTotal</c> of <c>/proc/meminfo</c>); null when unreadable.</summary>
    public static long? MemoryBytes(string procRoot)
    {
        foreach (var line in (CgroupFiles.Read(Path.Combine(procRoot, "meminfo")) ?? "").Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "MemTotal:" && CgroupFiles.Parse(parts[1]) is { } kib)
                return kib * 1024;
        }
        return null;
    }
}
