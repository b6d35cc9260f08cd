using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Owns "a process's exit is reported once" (DESIGN.md invariant 6). An exit is recorded under the task's lock by
/// moving the process to Stopped with a version check, in one transaction with its TaskExited event and the retained
/// exit a late WaitTask reads (<see cref="ITaskStore.RecordExitAsync"/>); a second report of the same exit finds the
/// process stopped and records nothing. Waiters are woken after each record (<see cref="ExitSignals"/>). Reports come
/// from the <see cref="ExitWatch"/> and from reconciliation; answers to "has it exited?" come from <see cref="FindAsync"/>.
/// </summary>
public sealed class TaskExits(
    ITaskStore store,
    ITaskRuntime runtime,
    TaskLocks locks,
    ExitSignals signals,
    TaskRemoval removal,
    RestartSupervisor restarts,
    TimeProvider clock,
    IOptions<TaskRunnerOptions> options,
    ILogger<TaskExits> logger)
{
    /// <summary>
    /// Reports a process's exit once: an exec process's exit, or the init process's (after any exec exits, which come
    /// first), then cleans the task up and deletes it. A second call for the same exit finds it recorded and does
    /// nothing more than finish an interrupted cleanup.
    /// </summary>
    public async Task ReportAsync(TaskHandle handle, string? execId, ProcessExit exit, CancellationToken cancellationToken)
    {
        var (ns, id) = (handle.Namespace, handle.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetAsync(ns, id, cancellationToken);
            if (task is null)
                return;
            if (execId is not null)
            {
                var exec = task.Execs.FirstOrDefault(e => e.ExecId == execId);
                if (exec is not null && exec.Status != TaskState.Stopped)
                    await RecordExecExitAsync(task, exec, exit, cancellationToken);
                return;
            }

            if (task.Status is TaskState.Running or TaskState.Paused)
            {
                foreach (var exec in task.Execs.Where(e => e.Status != TaskState.Stopped).ToList())
                    task = await RecordExecExitAsync(task, exec, await ExecExitAsync(handle, exec.ExecId, cancellationToken), cancellationToken);
                task = await RecordInitExitAsync(task, exit, cancellationToken);
                await restarts.OnExitedAsync(task, cancellationToken);
            }
            // A task killed before it was started never ran: no TaskExited, only the deletion below.
            await removal.RemoveLockedAsync(task, cancellationToken);
        }
    }

    /// <summary>The exit of a process when it has exited; null while it runs; NotFound when nothing is known of it.</summary>
    public async Task<TaskExit?> FindAsync(string ns, string id, string? execId, CancellationToken cancellationToken)
    {
        var task = await store.GetAsync(ns, id, cancellationToken);
        if (task is not null)
        {
            if (execId is null)
            {
                if (task.Status != TaskState.Stopped)
                    return null;
                // The retained exit was written with the stop, and alone keeps whether the OOM killer struck.
                return await RetainedAsync(ns, id, null, cancellationToken)
                    ?? new TaskExit { ContainerId = id, Pid = task.Pid, ExitStatus = task.ExitStatus, ExitedAt = task.ExitedAt ?? clock.GetUtcNow() };
            }
            if (task.Execs.FirstOrDefault(e => e.ExecId == execId) is { } exec)
            {
                return exec.Status != TaskState.Stopped
                    ? null
                    : new TaskExit { ContainerId = id, ExecId = execId, Pid = exec.Pid, ExitStatus = exec.ExitStatus, ExitedAt = exec.ExitedAt ?? clock.GetUtcNow() };
            }
        }
        if (await RetainedAsync(ns, id, execId, cancellationToken) is { } retained)
            return retained;
        throw execId is null ? TaskRules.NotFound(ns, id) : TaskRules.ExecNotFound(ns, id, execId);
    }

    /// <summary>The exit kept for a process whose task is gone (until <see cref="TaskRunnerOptions.ExitRetention"/> passes), or null.</summary>
    public async Task<TaskExit?> RetainedAsync(string ns, string id, string? execId, CancellationToken cancellationToken) =>
        await store.GetExitAsync(ns, id, execId, cancellationToken) is { } retained ? TaskRules.ToExit(retained) : null;

    /// <summary>An exec process dies with the init process; give its monitor a moment to record how, else say unknown.</summary>
    private async Task<ProcessExit> ExecExitAsync(TaskHandle handle, string execId, CancellationToken cancellationToken)
    {
        if (runtime.ReadExit(handle, execId) is { } recorded)
            return recorded;
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(options.Value.ExecExitGrace);
        try
        {
            return await runtime.WaitForExitAsync(handle, execId, grace.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProcessExit(null, clock.GetUtcNow());
        }
    }

    private async Task<TaskRecord> RecordExecExitAsync(TaskRecord task, ExecRecord exec, ProcessExit exit, CancellationToken cancellationToken)
    {
        var stopped = exec with { Status = TaskState.Stopped, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt };
        var updated = task with { Execs = task.Execs.Select(e => e.ExecId == exec.ExecId ? stopped : e).ToList(), Version = task.Version + 1 };
        var record = new ExitRecord(task.Namespace, task.ContainerId, exec.ExecId, exec.Pid, exit.ExitStatus, exit.ExitedAt);
        await RecordAsync(updated, task.Version, record, cancellationToken);
        logger.LogInformation("Exec process {ExecId} of task {Namespace}/{ContainerId} exited with {ExitStatus}",
            exec.ExecId, task.Namespace, task.ContainerId, exit.ExitStatus?.ToString() ?? "unknown status");
        signals.Wake(task.Namespace, record.ContainerId, record.ExecId);
        return updated;
    }

    private async Task<TaskRecord> RecordInitExitAsync(TaskRecord task, ProcessExit exit, CancellationToken cancellationToken)
    {
        if (exit.OomKilled)
            task = await RecordOomAsync(task, cancellationToken);
        var updated = task with { Status = TaskState.Stopped, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt, Version = task.Version + 1 };
        var record = new ExitRecord(task.Namespace, task.ContainerId, null, task.Pid, exit.ExitStatus, exit.ExitedAt, exit.OomKilled,
            task.Runtime, task.CreatedAt, task.StartedAt);
        await RecordAsync(updated, task.Version, record, cancellationToken);
        logger.LogInformation("Task {Namespace}/{ContainerId} exited with {ExitStatus}{Oom}",
            task.Namespace, task.ContainerId, exit.ExitStatus?.ToString() ?? "unknown status", exit.OomKilled ? " (OOM killed)" : "");
        signals.Wake(task.Namespace, record.ContainerId, record.ExecId);
        return updated;
    }

    /// <summary>
    /// TaskOom, as containerd's /tasks/oom, before the TaskExited that says OomKilled. Its own write (a version step),
    /// so a report interrupted between the two may publish TaskOom again: at least once, as every event.
    /// </summary>
    private async Task<TaskRecord> RecordOomAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        var updated = task with { Version = task.Version + 1 };
        var written = await store.UpdateAsync(updated, task.Version, seq => new TaskOom
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = task.Namespace, Sequence = seq, ContainerId = task.ContainerId,
        }, cancellationToken);
        if (!written)
            throw TaskStoreExtensions.ChangedUnderLock(updated);
        logger.LogWarning("Task {Namespace}/{ContainerId}: the OOM killer killed a process of its cgroup", task.Namespace, task.ContainerId);
        return updated;
    }

    private async Task RecordAsync(TaskRecord updated, long expectedVersion, ExitRecord exit, CancellationToken cancellationToken)
    {
        var written = await store.RecordExitAsync(updated, expectedVersion, exit, seq => new TaskExited
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = updated.Namespace, Sequence = seq,
            ContainerId = updated.ContainerId, ExecId = exit.ExecId, Pid = exit.Pid, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt,
            OomKilled = exit.OomKilled,
        }, cancellationToken);
        if (!written)
            throw TaskStoreExtensions.ChangedUnderLock(updated);
    }
}
