using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: change a live task's cgroup limits (<c>runc update</c>), as <c>docker update</c>. Replies
/// <see cref="TaskResult"/> whose task carries the limits now in force. FailedPrecondition once the task stopped;
/// InvalidArgument for a limit breaking its rule (naming the field).
/// </summary>
[MessageUrn("platform:tasks:UpdateTask")]
public sealed record UpdateTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Required. The limits to change; absent members stay as they are.</summary>
    public TaskResources? Resources { get; init; }
}
