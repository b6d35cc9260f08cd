using Microsoft.Extensions.Logging;
using Platform.Common.Health;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Health;

/// <summary>
/// Records a probe's result on the task under its lock: the new health in every case, and in the same write a
/// HealthChanged event when (and only when) the status changed. A task that turned unhealthy with
/// <c>onFailure</c> kill or restart is then SIGKILLed; its exit takes the normal path (TaskExited).
/// </summary>
public sealed class HealthRecorder(
    ITaskStore store,
    ITaskRuntime runtime,
    TaskLocks locks,
    HealthStatusMachine machine,
    TimeProvider clock,
    ILogger<HealthRecorder> logger)
{
    /// <summary>The health after the probe; null when the task is gone or no longer running (the probe is dropped).</summary>
    public async Task<TaskHealth?> RecordAsync(string ns, string id, DateTimeOffset createdAt, HealthCheck check, HealthProbe probe, CancellationToken cancellationToken)
    {
        HealthStep step;
        TaskRecord task;
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            // The task the probe ran in, still alive: not a later task of the same container.
            if (await store.GetAsync(ns, id, cancellationToken) is not { } current || current.CreatedAt != createdAt
                || current.Status is not (TaskState.Running or TaskState.Paused))
                return null;
            task = current;
            step = machine.Apply(check, task.Health ?? HealthStatusMachine.Initial, task.StartedAt ?? task.CreatedAt, probe);
            var updated = task with { Health = step.Health, Version = task.Version + 1 };
            var written = await store.UpdateAsync(updated, task.Version, step.Changed ? seq => new HealthChanged
            {
                EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = ns, Sequence = seq, ContainerId = id,
                OldStatus = step.OldStatus, NewStatus = step.Health.Status, Probe = probe,
            } : null, cancellationToken);
            if (!written)
                throw TaskStoreExtensions.ChangedUnderLock(updated);
        }
        if (step.Changed)
        {
            logger.LogInformation("Task {Namespace}/{ContainerId} is {HealthStatus} (was {OldHealthStatus}; probe exit {ProbeExitCode})",
                ns, id, step.Health.Status, step.OldStatus, probe.ExitCode);
            if (step.Health.Status == HealthStatuses.Unhealthy && check.OnFailure is "kill" or "restart")
            {
                // restart: the same kill; the container's restart policy (when it has one) brings it back.
                logger.LogWarning("Task {Namespace}/{ContainerId} is unhealthy: killing it (health on failure: {OnFailure})", ns, id, check.OnFailure);
                await runtime.KillAsync(TaskRules.Handle(task), 9, all: true, cancellationToken);
            }
        }
        return step.Health;
    }
}
