using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// A task's cgroup as the host sees it (the runner puts it at <c>/platform/&lt;ns&gt;/&lt;id&gt;</c>), read from cgroup v1's
/// per-controller hierarchies or from the v2 unified one, so tests check what the kernel enforces.
/// </summary>
public sealed class HostCgroup
{
    private const string Root = "/sys/fs/cgroup";
    private readonly string _path;

    private HostCgroup(string path) => _path = path;

    /// <summary>Whether the host mounts the v2 unified hierarchy at /sys/fs/cgroup (else v1).</summary>
    public static bool IsV2 => File.Exists(Path.Combine(Root, "cgroup.controllers"));

    public static HostCgroup Of(string @namespace, string containerId) => new($"platform/{@namespace}/{containerId}");

    public long MemoryLimit() => Number(IsV2 ? Read(null, "memory.max") : Read("memory", "memory.limit_in_bytes"));

    /// <summary>Memory plus swap, as the spec's <c>memory.swap</c> says it (v2 keeps swap alone).</summary>
    public long MemorySwapLimit() =>
        IsV2 ? Number(Read(null, "memory.swap.max")) + MemoryLimit() : Number(Read("memory", "memory.memsw.limit_in_bytes"));

    public (long Quota, long Period) CpuQuotaAndPeriod()
    {
        if (!IsV2)
            return (Number(Read("cpu", "cpu.cfs_quota_us")), Number(Read("cpu", "cpu.cfs_period_us")));
        var parts = Read(null, "cpu.max").Split(' ');
        return (Number(parts[0]), Number(parts[1]));
    }

    /// <summary>v1's cpu.shares (v2 keeps a converted cpu.weight instead; not comparable, so v1 only).</summary>
    public long CpuShares() => Number(Read("cpu", "cpu.shares"));

    public string PidsMax() => Read(IsV2 ? null : "pids", "pids.max");

    private string Read(string? controller, string file) =>
        File.ReadAllText(controller is null ? Path.Combine(Root, _path, file) : Path.Combine(Root, controller, _path, file)).Trim();

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
