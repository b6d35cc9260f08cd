using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: attach to a task's init process (or an exec process), as <c>docker attach</c> does: the runner connects to
/// the process's monitor so that <see cref="WriteTaskStdin"/> reaches the process's stdin (or terminal), and says where
/// its output log ends now, to follow from there with <see cref="ReadTaskLogs"/>. Replies <see cref="TaskAttachResult"/>.
/// NotFound when the task or exec is not on this runner; FailedPrecondition once the process has exited.
/// </summary>
[MessageUrn("platform:tasks:AttachTask")]
public sealed record AttachTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Attach to this exec process instead of the init process.</summary>
    public string? ExecId { get; init; }
}
