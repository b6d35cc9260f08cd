namespace Platform.TaskRunner.Stats;

/// <summary>Where the kernel's views are mounted: the cgroup hierarchies and procfs. Tests point them at fixture folders.</summary>
public sealed record StatsRoots(string Cgroups = "/sys/fs/cgroup", string Proc = "/proc");
