using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="DeleteTask"/>.</summary>
[MessageUrn("platform:tasks:DeleteTaskResult")]
public sealed record DeleteTaskResult
{
    /// <summary>Required. The task as it was deleted.</summary>
    public required TaskInfo Task { get; init; }

    /// <summary>Optional. How its init process ended; null when it never started.</summary>
    public TaskExit? Exit { get; init; }
}
