using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: one sample of the resource usage of tasks, read from their cgroups and network namespaces (what
/// <c>docker stats</c> shows). Replies <see cref="ListTaskStatsResult"/>; NotFound when a named container has no task.
/// Percentages need two samples: the caller computes them from the deltas.
/// </summary>
[MessageUrn("platform:tasks:ListTaskStats")]
[Requires(Access.Read)]
public sealed record ListTaskStats
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional (may be empty). The tasks to sample, in this order; empty: the namespace's tasks (see <see cref="All"/>).</summary>
    public IReadOnlyList<string> ContainerIds { get; init; } = [];

    /// <summary>Optional. With no ids: every task, not only running and paused ones (the others sample as zeros).</summary>
    public bool All { get; init; }
}
