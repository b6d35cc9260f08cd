using Platform.Contracts.Tasks;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;

namespace Platform.TaskRunner.Store;

/// <summary>An exec process as stored with its task.</summary>
public sealed record ExecRecord
{
    public required string ExecId { get; init; }
    public required int Pid { get; init; }

    /// <summary>Running, or Stopped once its exit was reported.</summary>
    public required TaskState Status { get; init; }
    public int? ExitStatus { get; init; }
    public DateTimeOffset? ExitedAt { get; init; }
}

/// <summary>
/// A task as the runner stores it. Identity is (Namespace, ContainerId); every field but those two and
/// <see cref="CreatedAt"/> may change with an update. <see cref="Version"/> starts at 1 and grows by one per write.
/// </summary>
public sealed record TaskRecord
{
    public required string Namespace { get; init; }
    public required string ContainerId { get; init; }
    public required string Runtime { get; init; }
    public required TaskState Status { get; init; }

    /// <summary>Init pid; 0 before the runtime created it.</summary>
    public required int Pid { get; init; }
    public string? Snapshotter { get; init; }
    public string? SnapshotKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Set with Status Stopped: exit code or 128 + signal; null when unknown.</summary>
    public int? ExitStatus { get; init; }
    public DateTimeOffset? ExitedAt { get; init; }
    public IReadOnlyList<ExecRecord> Execs { get; init; } = [];

    /// <summary>The task needed its creator's privileged grant (its spec broke a rule of the runtime policy). Immutable.</summary>
    public bool Privileged { get; init; }

    /// <summary>The container's health check (label <c>platform.io/health.check</c>, as JSON) when it has one; set at create, immutable.</summary>
    public string? HealthCheck { get; init; }

    /// <summary>The task's health, with <see cref="HealthCheck"/> from its start (see <c>Health/</c>).</summary>
    public TaskHealth? Health { get; init; }
    public required long Version { get; init; }
}

/// <summary>A process exit kept so a late WaitTask still gets it after the task is gone.</summary>
/// <param name="ExecId">Null for the init process.</param>
/// <param name="OomKilled">The OOM killer killed a process of the task (init exits only).</param>
/// <param name="Runtime">Init exits only: the task's runtime, creation and start times, so GetTask can still describe
/// the stopped task (null in exits kept before they were recorded).</param>
public sealed record ExitRecord(
    string Namespace, string ContainerId, string? ExecId, int Pid, int? ExitStatus, DateTimeOffset ExitedAt, bool OomKilled = false,
    string? Runtime = null, DateTimeOffset? CreatedAt = null, DateTimeOffset? StartedAt = null);

/// <summary>
/// The task runner's store. Every write that carries an <see cref="EventFactory"/> stores that event in the same
/// transaction (outbox) with the task's next per-object sequence number (kind <c>task</c>, key namespace + container id,
/// surviving the task's deletion). The store enforces identity and versions; the service enforces transitions.
/// </summary>
public interface ITaskStore
{
    /// <summary>The task, or null.</summary>
    Task<TaskRecord?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken);

    /// <summary>The tasks of a namespace (null: of every namespace), ordered by namespace, then container id.</summary>
    Task<IReadOnlyList<TaskRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a new task (its Version must be 1) with its event, and forgets the retained exits of the container's
    /// earlier tasks, and <paramref name="outcome"/> when given (one transaction). AlreadyExists (naming the container) when
    /// the container has a task.
    /// </summary>
    Task CreateAsync(TaskRecord task, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null);

    /// <summary>
    /// Replaces the task if its stored version is still <paramref name="expectedVersion"/> (the new record carries
    /// expectedVersion + 1), with the event when one is given and <paramref name="outcome"/> when given; false (writing
    /// nothing) when it changed or vanished.
    /// </summary>
    Task<bool> UpdateAsync(TaskRecord task, long expectedVersion, EventFactory? makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null);

    /// <summary>
    /// As <see cref="UpdateAsync"/>, and in the same transaction keeps <paramref name="exit"/> (replacing an earlier exit
    /// of the same process) for <see cref="GetExitAsync"/>. This is how an exit is reported exactly once: the caller
    /// changes the process to Stopped, and a second report finds the version moved on.
    /// </summary>
    Task<bool> RecordExitAsync(TaskRecord task, long expectedVersion, ExitRecord exit, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Deletes the task if its version is still <paramref name="expectedVersion"/>, with its event; false otherwise. Retained exits stay.</summary>
    Task<bool> DeleteAsync(string @namespace, string containerId, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>The retained exit of the container's init process (<paramref name="execId"/> null) or exec process, or null.</summary>
    Task<ExitRecord?> GetExitAsync(string @namespace, string containerId, string? execId, CancellationToken cancellationToken);

    /// <summary>Forgets retained exits older than <paramref name="before"/> (by ExitedAt); returns how many.</summary>
    Task<int> PruneExitsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
