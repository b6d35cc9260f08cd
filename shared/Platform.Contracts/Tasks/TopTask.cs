using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: the processes of a running or paused task, read from the host's <c>/proc</c> (no <c>ps</c> needed in the
/// image). Replies <see cref="TopTaskResult"/>; NotFound when the container has no task, FailedPrecondition once stopped.
/// </summary>
[MessageUrn("platform:tasks:TopTask")]
[Requires(Access.Read)]
public sealed record TopTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
