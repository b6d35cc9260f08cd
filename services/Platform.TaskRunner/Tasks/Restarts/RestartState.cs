namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// How the runner supervises one container under its restart policy, kept in the runner's store so that a restart of
/// the runner (or of the machine) in the middle of a back-off still restarts the task. Written when a user creates the
/// container's task (count reset, as docker resets it on <c>docker start</c>), on each exit, each restart and each stop
/// by a user; removed when the container goes or its policy becomes <c>no</c>.
/// </summary>
public sealed record RestartState
{
    public required string Namespace { get; init; }
    public required string ContainerId { get; init; }

    /// <summary>The policy as the container's label gave it at the last start (<see cref="Common.Restarts.RestartPolicy"/> grammar).</summary>
    public required string Policy { get; init; }

    /// <summary>The user who created the task held a privileged grant: restarts are admitted the same way.</summary>
    public bool Privileged { get; init; }

    /// <summary>Restarts by the policy since a user last started the task.</summary>
    public int RestartCount { get; init; }

    /// <summary>The delay before the last restart (zero before the first), which the next delay doubles.</summary>
    public TimeSpan Backoff { get; init; }

    /// <summary>A user killed or deleted the task: no restart until the next start (for <c>always</c>, or the runner's next start).</summary>
    public bool StoppedByUser { get; init; }

    /// <summary>When the pending restart is due; null when none is pending.</summary>
    public DateTimeOffset? RestartAt { get; init; }

    /// <summary>The exit that caused the pending (or last) restart: status (null: unknown) and time.</summary>
    public int? LastExitStatus { get; init; }
    public DateTimeOffset? LastExitedAt { get; init; }
}
