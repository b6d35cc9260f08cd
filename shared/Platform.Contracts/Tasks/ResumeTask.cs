using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Command: thaw a paused task. Replies <see cref="TaskResult"/>; publishes <see cref="TaskResumed"/>.</summary>
[MessageUrn("platform:tasks:ResumeTask")]
public sealed record ResumeTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }
}
