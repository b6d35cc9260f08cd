using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: set the size of a process's terminal (the client's window changed: SIGWINCH), as <c>docker</c> does on
/// resize. Replies <see cref="ResizeTaskResult"/>. FailedPrecondition when the process has no terminal or has exited.
/// </summary>
[MessageUrn("platform:tasks:ResizeTask")]
public sealed record ResizeTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Resize this exec process's terminal instead of the init process's.</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. Columns (1–65535).</summary>
    public int Width { get; init; }

    /// <summary>Required. Rows (1–65535).</summary>
    public int Height { get; init; }
}
