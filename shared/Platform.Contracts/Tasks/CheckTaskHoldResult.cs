using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="CheckTaskHold"/>.</summary>
[MessageUrn("platform:tasks:CheckTaskHoldResult")]
public sealed record CheckTaskHoldResult
{
    /// <summary>Optional. The container's task; null when it has none (any more: with force, it was killed and deleted).</summary>
    public TaskInfo? Task { get; init; }
}
