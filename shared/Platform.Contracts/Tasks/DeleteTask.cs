using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: delete a task that is not running (created or stopped); with <see cref="Force"/> a running or paused
/// task is killed (SIGKILL) first. Replies <see cref="DeleteTaskResult"/>; publishes <see cref="TaskExited"/> (when
/// it had run) and <see cref="TaskDeleted"/>.
/// </summary>
[MessageUrn("platform:tasks:DeleteTask")]
public sealed record DeleteTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Kill a live task first instead of refusing.</summary>
    public bool Force { get; init; }
}
