using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Query: the host pids of every process in a task's container (runtime <c>ps</c>). Replies <see cref="ListPidsResult"/>.</summary>
[MessageUrn("platform:tasks:ListPids")]
[Requires(Access.Read)]
public sealed record ListPids
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
