using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.Hosting.Commands;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// A created task's life: start, signal, pause and resume, delete, and the metadata service's question whether a
/// container still has a task. Runtime changes and the record that describes them happen under the task's lock
/// (<see cref="TaskLocks"/>), each record write with its event. A task that ran ends through its exit
/// (<see cref="TaskExits"/>); one that never started is removed here.
/// </summary>
public sealed class TaskLifecycle(
    ITaskStore store,
    ITaskRuntime runtime,
    TaskLocks locks,
    ExitSignals signals,
    TaskExits exits,
    TaskRemoval removal,
    Health.HealthMonitor health,
    RestartSupervisor restarts,
    TimeProvider clock,
    IOptions<TaskRunnerOptions> options,
    ILogger<TaskLifecycle> logger)
{
    /// <summary>
    /// Whether the container has a task, for the metadata service deleting a container that a task holds; forced, the
    /// task is killed and deleted first. A create in progress holds the task's lock from its hold on the container to its
    /// commit: waiting for the lock makes the answer cover it.
    /// </summary>
    public async Task<TaskInfo?> CheckHoldAsync(CheckTaskHold request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        TaskRecord? task;
        using (await locks.LockAsync(ns, id, cancellationToken))
            task = await store.GetAsync(ns, id, cancellationToken);
        // The container is about to go (forced, or nothing holds it): so does its restart policy.
        if (task is null || request.Force)
            await restarts.ForgetAsync(ns, id, cancellationToken);
        if (task is null)
            return null;
        if (!request.Force)
            return TaskRules.ToInfo(task);
        try
        {
            await DeleteAsync(new DeleteTask { Namespace = ns, ContainerId = id, Force = true }, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
        {
            // It exited and was deleted meanwhile.
        }
        return null;
    }

    /// <param name="thenLocked">What the restart policy records with a restart, still under the lock (<see cref="TaskRestarter"/>).</param>
    /// <param name="outcome">Makes the command's outcome from the reply, recorded with the start (<see cref="CommandOnce"/>).</param>
    public async Task<TaskInfo> StartAsync(StartTask request, CancellationToken cancellationToken,
        Func<TaskRecord, CancellationToken, Task<TaskRecord>>? thenLocked = null, Func<TaskInfo, CommandOutcome?>? outcome = null)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetRequiredAsync(ns, id, cancellationToken);
            if (task.Status != TaskState.Created)
                throw TaskRules.Illegal(task, "start");
            await runtime.StartAsync(TaskRules.Handle(task), cancellationToken);
            var started = task with { Status = TaskState.Running, StartedAt = clock.GetUtcNow(), Version = task.Version + 1 };
            await store.UpdateLockedAsync(started, task.Version, seq => new TaskStarted
            {
                EventId = Guid.NewGuid(), Timestamp = started.StartedAt!.Value, Namespace = ns, Sequence = seq, ContainerId = id, Pid = task.Pid,
                Privileged = task.Privileged,
            }, cancellationToken, thenLocked is null ? outcome?.Invoke(TaskRules.ToInfo(started)) : null);
            if (thenLocked is not null)
                started = await thenLocked(started, cancellationToken);
            logger.LogDebug("Task {Namespace}/{ContainerId} started", ns, id);
            health.Track(started);
            return TaskRules.ToInfo(started);
        }
    }

    public async Task<TaskInfo> KillAsync(KillTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var signal = TaskRules.Signal(request.Signal);
        var task = await store.GetAsync(ns, id, cancellationToken);
        if (string.IsNullOrEmpty(request.ExecId))
            await restarts.StoppedByUserAsync(ns, id, cancellationToken); // docker: a killed container isn't restarted (nor one waiting to be)
        if (task is null)
            throw TaskRules.NotFound(ns, id);
        if (!string.IsNullOrEmpty(request.ExecId))
        {
            var exec = task.Execs.FirstOrDefault(e => e.ExecId == request.ExecId) ?? throw TaskRules.ExecNotFound(ns, id, request.ExecId);
            if (exec.Status != TaskState.Running)
                throw PlatformException.FailedPrecondition($"cannot signal exec process {exec.ExecId} of container {id}: it is {TaskRules.Name(exec.Status)}");
            await runtime.KillExecAsync(TaskRules.Handle(task), exec.ExecId, signal, cancellationToken);
            return TaskRules.ToInfo(task);
        }
        if (task.Status == TaskState.Stopped)
            throw TaskRules.Illegal(task, "signal");
        await runtime.KillAsync(TaskRules.Handle(task), signal, request.All, cancellationToken);
        return TaskRules.ToInfo(task);
    }

    public async Task<DeleteTaskResult> DeleteAsync(DeleteTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await store.GetRequiredAsync(ns, id, cancellationToken);
        if (task.Status == TaskState.Created)
        {
            using (await locks.LockAsync(ns, id, cancellationToken))
            {
                task = await store.GetRequiredAsync(ns, id, cancellationToken);
                if (task.Status == TaskState.Created)
                {
                    // Never started: nothing ran, so there is no exit to report, only the deletion.
                    await removal.RemoveLockedAsync(task, cancellationToken);
                    return new DeleteTaskResult { Task = TaskRules.ToInfo(task) };
                }
            }
        }
        if (task.Status is TaskState.Running or TaskState.Paused)
        {
            if (!request.Force)
                throw PlatformException.FailedPrecondition(
                    $"the task of container {id} is {TaskRules.Name(task.Status)}; kill it first, or delete with force");
            await restarts.StoppedByUserAsync(ns, id, cancellationToken);
            var handle = TaskRules.Handle(task);
            await runtime.KillAsync(handle, 9, all: true, cancellationToken);
            if (task.Status == TaskState.Paused)
                await runtime.ResumeAsync(handle, cancellationToken); // a frozen process only dies once thawed
        }

        // Running, paused (now killed) or stopped: the exit path reports the exit and deletes the task.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ForcedDeleteTimeout);
        try
        {
            while (await store.GetAsync(ns, id, deadline.Token) is { } current && current.CreatedAt == task.CreatedAt)
            {
                var exited = signals.Next(ns, id, null);
                await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token));
            }
            signals.Wake(ns, id, null); // the task is gone: no exit will come to free the wake-up taken last
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw PlatformException.Unavailable($"the task of container {id} was killed but has not exited within {options.Value.ForcedDeleteTimeout.TotalSeconds:0} s");
        }
        return new DeleteTaskResult { Task = TaskRules.ToInfo(task), Exit = await exits.RetainedAsync(ns, id, null, cancellationToken) };
    }

    public Task<TaskInfo> PauseAsync(PauseTask request, CancellationToken cancellationToken) =>
        FreezeAsync(request.Namespace, request.ContainerId, pause: true, cancellationToken);

    public Task<TaskInfo> ResumeAsync(ResumeTask request, CancellationToken cancellationToken) =>
        FreezeAsync(request.Namespace, request.ContainerId, pause: false, cancellationToken);

    private async Task<TaskInfo> FreezeAsync(string? @namespace, string? containerId, bool pause, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(@namespace, containerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetRequiredAsync(ns, id, cancellationToken);
            if (task.Status != (pause ? TaskState.Running : TaskState.Paused))
                throw TaskRules.Illegal(task, pause ? "pause" : "resume");
            if (pause)
                await runtime.PauseAsync(TaskRules.Handle(task), cancellationToken);
            else
                await runtime.ResumeAsync(TaskRules.Handle(task), cancellationToken);
            var updated = task with { Status = pause ? TaskState.Paused : TaskState.Running, Version = task.Version + 1 };
            var now = clock.GetUtcNow();
            await store.UpdateLockedAsync(updated, task.Version, seq => pause
                ? new TaskPaused { EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, ContainerId = id }
                : new TaskResumed { EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, ContainerId = id }, cancellationToken);
            return TaskRules.ToInfo(updated);
        }
    }
}
