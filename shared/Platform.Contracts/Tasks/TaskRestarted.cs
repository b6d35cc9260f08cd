using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Event: the task runner started a container's task again under its restart policy (label
/// <c>platform.io/restart.policy</c>), after the <see cref="TaskExited"/> and <see cref="TaskDeleted"/> of the run that
/// ended and the <see cref="TaskCreated"/> and <see cref="TaskStarted"/> of the new one.
/// </summary>
[MessageUrn("platform:tasks:TaskRestarted")]
public sealed record TaskRestarted : IPlatformEvent
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

    /// <summary>Required. How many times the policy has restarted the task since a user last started it (this restart included).</summary>
    public required int RestartCount { get; init; }

    /// <summary>Required. Host pid of the new init process.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. The exit status that caused the restart: exit code or 128 + signal; null when unknown.</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Optional. When the process that caused the restart exited; null when not known (a restart after the task runner's own restart).</summary>
    public DateTimeOffset? ExitedAt { get; init; }
}
