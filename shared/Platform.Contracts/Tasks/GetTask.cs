using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: one task. Replies <see cref="TaskResult"/>; NotFound when the container has no task (and, with
/// <see cref="IncludeStopped"/>, no retained exit either).
/// </summary>
[MessageUrn("platform:tasks:GetTask")]
[Requires(Access.Read)]
public sealed record GetTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>
    /// Optional. When the container has no task, answer its last run from the retained exit (kept for the runner's exit
    /// retention): status <c>stopped</c>, exit status, OOM kill, created/started/exited times. Default false.
    /// </summary>
    public bool IncludeStopped { get; init; }
}
