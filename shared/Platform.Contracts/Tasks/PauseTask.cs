using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Command: freeze a running task. Replies <see cref="TaskResult"/>; publishes <see cref="TaskPaused"/>.</summary>
[MessageUrn("platform:tasks:PauseTask")]
public sealed record PauseTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
