using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// A task's cgroup limits (the OCI spec's <c>linux.resources</c>, in its units). Every member is optional: in
/// <see cref="UpdateTask"/> an absent one is left as it is; in <see cref="TaskInfo"/> an absent one is not limited.
/// </summary>
[MessageUrn("platform:tasks:TaskResources")]
public sealed record TaskResources
{
    /// <summary>Optional. Memory limit in bytes; at least 6 MiB.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Optional. Memory plus swap in bytes, at least <see cref="MemoryBytes"/>; -1 for unlimited swap.</summary>
    public long? MemorySwapBytes { get; init; }

    /// <summary>Optional. CPU time in microseconds per <see cref="CpuPeriod"/> (1.5 CPUs: 150000 per 100000); -1 for none.</summary>
    public long? CpuQuota { get; init; }

    /// <summary>Optional. CPU period in microseconds (100000 when a quota is given without one).</summary>
    public long? CpuPeriod { get; init; }

    /// <summary>Optional. Relative CPU weight, 2 to 262144.</summary>
    public long? CpuShares { get; init; }

    /// <summary>Optional. Maximum number of processes; -1 for unlimited.</summary>
    public long? PidsLimit { get; init; }
}
