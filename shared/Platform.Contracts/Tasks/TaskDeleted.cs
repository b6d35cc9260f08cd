using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Event: a task was deleted: runtime state and bundle removed, its snapshot reference released.</summary>
[MessageUrn("platform:tasks:TaskDeleted")]
public sealed record TaskDeleted : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The task's container.</summary>
    public required string ContainerId { get; init; }

    /// <summary>Required. Host pid the init process had.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. Exit status of the init process; null when unknown or it never started.</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Optional. When the init process exited; null when it never started.</summary>
    public DateTimeOffset? ExitedAt { get; init; }

    /// <summary>Optional (absent from older runners' events). When the task was created: with the container id it names this task, not a later one of the same container.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
