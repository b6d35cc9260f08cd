using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: how a task's init process (or one exec process) ended. Answers at once when it already exited (the
/// last exit stays answerable for <c>TaskRunner:ExitRetention</c> after the task is deleted); otherwise waits up to
/// <see cref="WaitSeconds"/> and answers <see cref="WaitTaskResult.Exited"/> false, so a client waits by repeating.
/// NotFound when there is neither a task nor a retained exit.
/// </summary>
[MessageUrn("platform:tasks:WaitTask")]
[Requires(Access.Read)]
public sealed record WaitTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Wait for this exec process instead of the init process.</summary>
    public string? ExecId { get; init; }

    /// <summary>Optional. Longest time to hold the answer, in seconds (0–60); 0 answers at once.</summary>
    public int WaitSeconds { get; init; }
}
