namespace Platform.Client.Oci;

/// <summary>
/// The resource limits, rlimits and capability changes a container is run with, as docker's <c>run</c> flags give them
/// (<c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c>, <c>--cpu-shares</c>, <c>--pids-limit</c>, <c>--ulimit</c>,
/// <c>--cap-add</c>, <c>--cap-drop</c>). Every member is optional; an empty instance changes nothing.
/// Parse values with <see cref="LimitSyntax"/>; write them into a spec with <see cref="SpecResources.Apply"/>.
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>Optional. Memory limit in bytes (<c>linux.resources.memory.limit</c>); at least <see cref="LimitSyntax.MinimumMemory"/>.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>
    /// Optional. Memory plus swap in bytes (<c>linux.resources.memory.swap</c>), -1 for unlimited swap. When null and
    /// <see cref="MemoryBytes"/> is set, twice the memory limit, as docker does.
    /// </summary>
    public long? MemorySwapBytes { get; init; }

    /// <summary>Optional. CPU quota in microseconds per <see cref="CpuPeriod"/> (<c>--cpus 1.5</c>: 150000).</summary>
    public long? CpuQuota { get; init; }

    /// <summary>Optional. CPU period in microseconds; set with <see cref="CpuQuota"/> (100000, docker's).</summary>
    public ulong? CpuPeriod { get; init; }

    /// <summary>Optional. Relative CPU weight (cgroup v1 <c>cpu.shares</c>; runc converts it for v2).</summary>
    public ulong? CpuShares { get; init; }

    /// <summary>Optional. Maximum number of processes; -1 for unlimited.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Optional (may be empty). Process rlimits; each replaces the spec's rlimit of the same type.</summary>
    public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];

    /// <summary>Optional (may be empty). Capabilities to add (<c>CAP_*</c> names, or <c>ALL</c>).</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    /// <summary>Optional (may be empty). Capabilities to drop (<c>CAP_*</c> names, or <c>ALL</c>: start from none).</summary>
    public IReadOnlyList<string> CapDrop { get; init; } = [];

    /// <summary>Whether it asks for no change at all.</summary>
    public bool IsEmpty =>
        MemoryBytes is null && MemorySwapBytes is null && CpuQuota is null && CpuShares is null && PidsLimit is null &&
        Ulimits.Count == 0 && CapAdd.Count == 0 && CapDrop.Count == 0;
}

/// <summary>A process rlimit: <paramref name="Type"/> is the OCI name (<c>RLIMIT_NOFILE</c>).</summary>
public sealed record Ulimit(string Type, ulong Soft, ulong Hard);
