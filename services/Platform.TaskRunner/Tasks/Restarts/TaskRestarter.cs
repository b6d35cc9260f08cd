using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// Carries out a due restart the way a user's run does: CreateTask's path (<see cref="TaskCreation"/>: the container
/// is held and read again at the metadata service, its spec admitted, its rootfs snapshot referenced and mounted; the
/// container's own reference keeps the snapshot between the runs), then StartTask's, and under the same lock as the
/// start the new count and TaskRestarted, so the event always precedes the next run's TaskExited.
/// </summary>
public sealed class TaskRestarter(
    IRestartStore restarts,
    ITaskStore tasks,
    TaskCreation creation,
    TaskLifecycle lifecycle,
    RestartSchedule schedule,
    RestartCountLabel counts,
    IOptions<RestartOptions> options,
    TimeProvider clock,
    ILogger<TaskRestarter> logger)
{
    public async Task RestartAsync(string ns, string id, CancellationToken cancellationToken)
    {
        // The store decides, not the timer: a stop, a new start or a deletion may have come since it was set.
        if (await restarts.GetAsync(ns, id, cancellationToken) is not { StoppedByUser: false, RestartAt: { } due } state)
            return;
        if (due - clock.GetUtcNow() > TimeSpan.FromMilliseconds(20)) // a timer may fire a hair early
        {
            schedule.Schedule(ns, id, due);
            return;
        }
        if (await tasks.GetAsync(ns, id, cancellationToken) is { } existing)
        {
            // The last run's cleanup is still under way: try again shortly. Any other task was created by a user, whose
            // create armed the policy afresh.
            if (existing.Status == TaskState.Stopped)
                schedule.Schedule(ns, id, clock.GetUtcNow() + options.Value.FirstDelay);
            return;
        }

        var count = state.RestartCount + 1;
        try
        {
            await creation.CreateAsync(new CreateTask { Namespace = ns, ContainerId = id }, state.Privileged, cancellationToken, byRestartPolicy: true);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            logger.LogInformation("Container {Namespace}/{ContainerId} is gone: its restart policy ends", ns, id);
            await restarts.DeleteAsync(ns, id, cancellationToken);
            return;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.AlreadyExists)
        {
            return; // a user created the task meanwhile, and that create armed the policy afresh
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RetryLaterAsync(state, e, cancellationToken);
            return;
        }

        TaskInfo started;
        try
        {
            started = await lifecycle.StartAsync(new StartTask { Namespace = ns, ContainerId = id }, cancellationToken,
                (task, ct) => RecordRestartLockedAsync(task, state, count, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DeleteUnstartedAsync(ns, id);
            await RetryLaterAsync(state, e, cancellationToken);
            return;
        }
        logger.LogInformation("Task {Namespace}/{ContainerId} restarted ({RestartCount}) with pid {Pid}", ns, id, count, started.Pid);
        if (await restarts.GetAsync(ns, id, cancellationToken) is { StoppedByUser: true })
        {
            // A user's kill came while the task was being made (it found no task to signal): it still wins.
            await lifecycle.KillAsync(new KillTask { Namespace = ns, ContainerId = id, Signal = 9 }, cancellationToken);
            return;
        }
        await counts.SetAsync(ns, id, count, cancellationToken);
    }

    /// <summary>Under the task's lock, right after TaskStarted: the count, then TaskRestarted, before any exit can be recorded.</summary>
    private async Task<TaskRecord> RecordRestartLockedAsync(TaskRecord task, RestartState state, int count, CancellationToken cancellationToken)
    {
        // Re-read: the create may have picked up a changed policy, or a user's stop may have come meanwhile.
        if (await restarts.GetAsync(task.Namespace, task.ContainerId, cancellationToken) is { } current)
            await restarts.PutAsync(current with { RestartCount = count, RestartAt = null }, cancellationToken);
        var updated = task with { Version = task.Version + 1 };
        await tasks.UpdateLockedAsync(updated, task.Version, seq => new TaskRestarted
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = task.Namespace, Sequence = seq, ContainerId = task.ContainerId,
            RestartCount = count, Pid = task.Pid, ExitStatus = state.LastExitStatus, ExitedAt = state.LastExitedAt,
        }, cancellationToken);
        return updated;
    }

    private async Task DeleteUnstartedAsync(string ns, string id)
    {
        try
        {
            // Not forced: a created task goes without it, and a forced delete would count as a user's stop.
            await lifecycle.DeleteAsync(new DeleteTask { Namespace = ns, ContainerId = id }, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "The unstarted task of {Namespace}/{ContainerId} was not deleted", ns, id);
        }
    }

    /// <summary>A restart that failed for a reason that may pass (the metadata service unreachable, a runtime error) is tried again after the next back-off.</summary>
    private async Task RetryLaterAsync(RestartState state, Exception e, CancellationToken cancellationToken)
    {
        var delay = options.Value.Backoff.Next(state.Backoff, null);
        var at = clock.GetUtcNow() + delay;
        await restarts.PutAsync(state with { Backoff = delay, RestartAt = at }, cancellationToken);
        schedule.Schedule(state.Namespace, state.ContainerId, at);
        logger.LogWarning(e, "Restarting task {Namespace}/{ContainerId} failed; trying again in {Delay}", state.Namespace, state.ContainerId, delay);
    }
}
