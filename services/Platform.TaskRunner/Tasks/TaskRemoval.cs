using Microsoft.Extensions.Logging;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// The end of every task, after its exit was reported (<see cref="TaskExits"/>) or when it is deleted before it ever
/// started (<see cref="TaskLifecycle"/>): its watches, then its runtime state and bundle, then its snapshot reference,
/// then its record with TaskDeleted.
/// </summary>
public sealed class TaskRemoval(
    WatchedProcesses watched,
    ITaskRuntime runtime,
    TaskReferences references,
    ITaskStore store,
    TimeProvider clock,
    ILogger<TaskRemoval> logger)
{
    /// <summary>Removes the task. The caller holds its lock (<see cref="TaskLocks"/>).</summary>
    public async Task RemoveLockedAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        var handle = TaskRules.Handle(task);
        watched.Forget(handle);
        await runtime.CleanupAsync(handle, cancellationToken);
        await references.ReleaseAsync(task, cancellationToken);
        var deleted = await store.DeleteAsync(task.Namespace, task.ContainerId, task.Version, seq => new TaskDeleted
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = task.Namespace, Sequence = seq,
            ContainerId = task.ContainerId, Pid = task.Pid, ExitStatus = task.ExitStatus, ExitedAt = task.ExitedAt, CreatedAt = task.CreatedAt,
        }, cancellationToken);
        if (!deleted)
            throw TaskStoreExtensions.ChangedUnderLock(task);
        logger.LogDebug("Task {Namespace}/{ContainerId} deleted", task.Namespace, task.ContainerId);
    }
}
