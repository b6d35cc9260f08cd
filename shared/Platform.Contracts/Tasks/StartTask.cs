using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Command: start a created task. Replies <see cref="TaskResult"/>; publishes <see cref="TaskStarted"/>.</summary>
[MessageUrn("platform:tasks:StartTask")]
public sealed record StartTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
