using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Brings the store in line with the runtime when the runner starts, then keeps it there: live tasks are adopted
/// (their later exits reported), exits that happened while the runner was down are reported once with the status the
/// monitor recorded (unknown when nothing was recorded), half-done cleanups are finished, and runtime state nobody
/// recorded (a crash between runtime create and commit) is removed. Then, periodically, retained exits past
/// <see cref="TaskRunnerOptions.ExitRetention"/> are pruned and stuck cleanups retried.
/// </summary>
public sealed class TaskReconciler(
    ITaskStore store,
    ITaskRuntime runtime,
    TaskExits exits,
    TaskLocks locks,
    ExitWatch watch,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    IOptions<TaskRunnerOptions> options,
    ILogger<TaskReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Cleanups release snapshot references over the bus: wait until the host (and its bus) has started.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(adopt: first, stoppingToken);
                first = false;
                await PruneAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Task reconciliation failed; retrying in {Interval}", options.Value.PruneInterval);
            }
            await Task.Delay(options.Value.PruneInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>
    /// Forgets what a finished task leaves for late readers once <see cref="TaskRunnerOptions.ExitRetention"/> has
    /// passed: its retained exits, and its logs (those of a container that has no task any more).
    /// </summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.ExitRetention;
        var pruned = await store.PruneExitsAsync(before, cancellationToken);
        if (pruned > 0)
            logger.LogDebug("Pruned {Count} retained exits", pruned);
        foreach (var (ns, id, lastWritten) in runtime.ListLogs().Where(l => l.LastWritten < before))
        {
            using (await locks.LockAsync(ns, id, cancellationToken))
            {
                if (await store.GetAsync(ns, id, cancellationToken) is null)
                    runtime.RemoveLogs(ns, id);
            }
        }
    }

    /// <summary>One pass. With <paramref name="adopt"/>, live processes get exit watches (the first pass after a start).</summary>
    public async Task ReconcileAsync(bool adopt, CancellationToken cancellationToken)
    {
        var tasks = await store.ListAsync(null, cancellationToken);
        foreach (var task in tasks)
            await ReconcileAsync(task, adopt, cancellationToken);

        var known = tasks.Select(t => (t.Namespace, t.ContainerId)).ToHashSet();
        foreach (var handle in runtime.ListOnDisk().Where(h => !known.Contains((h.Namespace, h.ContainerId))))
        {
            using (await locks.LockAsync(handle.Namespace, handle.ContainerId, cancellationToken))
            {
                // Re-read under the lock: a create holds it from runtime create until its commit.
                if (await store.GetAsync(handle.Namespace, handle.ContainerId, cancellationToken) is not null)
                    continue;
                logger.LogWarning("Removing runtime state of {Namespace}/{ContainerId} that no task record describes", handle.Namespace, handle.ContainerId);
                await runtime.CleanupAsync(handle, cancellationToken);
            }
        }
    }

    private async Task ReconcileAsync(TaskRecord task, bool adopt, CancellationToken cancellationToken)
    {
        var handle = TaskRules.Handle(task);
        if (task.Status == TaskState.Stopped)
        {
            // The exit was reported but the cleanup did not finish.
            await exits.ReportAsync(handle, null, new ProcessExit(task.ExitStatus, task.ExitedAt ?? clock.GetUtcNow()), cancellationToken);
            return;
        }

        foreach (var exec in task.Execs.Where(e => e.Status != TaskState.Stopped))
        {
            if (runtime.ReadExit(handle, exec.ExecId) is { } execExit)
                await exits.ReportAsync(handle, exec.ExecId, execExit, cancellationToken);
            else if (adopt)
                watch.Watch(handle, exec.ExecId);
        }

        if (runtime.ReadExit(handle, null) is { } exit)
        {
            logger.LogInformation("Task {Namespace}/{ContainerId} exited while the runner was away", task.Namespace, task.ContainerId);
            await exits.ReportAsync(handle, null, exit, cancellationToken);
        }
        else if (adopt)
        {
            logger.LogInformation("Adopting task {Namespace}/{ContainerId} (pid {Pid}, {Status})", task.Namespace, task.ContainerId, task.Pid, task.Status);
            watch.Watch(handle, null);
        }
    }
}
