using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ListTaskStats"/>.</summary>
[MessageUrn("platform:tasks:ListTaskStatsResult")]
public sealed record ListTaskStatsResult
{
    /// <summary>Required. One sample per task: in the order asked, else ordered by container id.</summary>
    public required IReadOnlyList<TaskStats> Stats { get; init; }
}
