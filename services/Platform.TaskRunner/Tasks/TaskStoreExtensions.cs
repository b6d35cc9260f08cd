using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>The reads and writes every task use case makes the same way.</summary>
internal static class TaskStoreExtensions
{
    /// <summary>The task, or NotFound naming the container.</summary>
    public static async Task<TaskRecord> GetRequiredAsync(this ITaskStore store, string ns, string id, CancellationToken cancellationToken) =>
        await store.GetAsync(ns, id, cancellationToken) ?? throw TaskRules.NotFound(ns, id);

    /// <summary>Writes a task whose lock the caller holds, with its event.</summary>
    public static async Task UpdateLockedAsync(this ITaskStore store, TaskRecord updated, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        if (!await store.UpdateAsync(updated, expectedVersion, makeEvent, cancellationToken, outcome))
            throw ChangedUnderLock(updated);
    }

    // Every writer of a task holds its lock, so a version mismatch means another process wrote the store: a bug, not a race.
    public static InvalidOperationException ChangedUnderLock(TaskRecord task) =>
        new($"task {task.Namespace}/{task.ContainerId} changed while its lock was held");
}
