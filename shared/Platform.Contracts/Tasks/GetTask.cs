using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Query: one task. Replies <see cref="TaskResult"/>; NotFound when the container has no task.</summary>
[MessageUrn("platform:tasks:GetTask")]
[Requires(Access.Read)]
public sealed record GetTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
