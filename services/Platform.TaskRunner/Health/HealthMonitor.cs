using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Health;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Health;

/// <summary>
/// Schedules the probes of every running task whose container has a health check: one loop per task, from its start
/// (<see cref="Track"/>, called by the task's start) until its init process exits (the runtime's exit record ends the
/// loop and any probe in flight). When the runner starts, loops resume for the running tasks the store holds, from the
/// health stored last: a probe is recorded only once it is over, so a runner that stopped mid-probe left the status
/// as it was, and the probe it left behind is removed before the next (<see cref="HealthProber"/>). Paused tasks are
/// not probed.
/// </summary>
public sealed class HealthMonitor(
    ITaskStore store,
    ITaskRuntime runtime,
    HealthProber prober,
    HealthRecorder recorder,
    HealthStatusMachine machine,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<HealthMonitor> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<(string Namespace, string Id, DateTimeOffset CreatedAt), Task> _loops = new();
    private Task _resume = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _resume = ResumeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll([_resume, .. _loops.Values]).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Starts probing a started task when its container has a health check (nothing otherwise; idempotent).</summary>
    public void Track(TaskRecord task)
    {
        if (task.HealthCheck is null || _stopping.IsCancellationRequested)
            return;
        var key = (task.Namespace, task.ContainerId, task.CreatedAt);
        lock (_loops)
        {
            if (!_loops.ContainsKey(key))
                _loops[key] = Task.Run(() => RunAsync(key, task), CancellationToken.None);
        }
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The store is initialised while the host starts.
            var started = new TaskCompletionSource();
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                await started.Task.WaitAsync(cancellationToken);
            foreach (var task in await store.ListAsync(null, cancellationToken))
                if (task.Status is TaskState.Running or TaskState.Paused)
                    Track(task);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Resuming health checks failed; tasks started from now on are checked");
        }
    }

    /// <summary>Cancels the loop and any probe in flight when the task's init process exits.</summary>
    private async Task EndWithExitAsync(TaskHandle handle, CancellationTokenSource alive)
    {
        try
        {
            await runtime.WaitForExitAsync(handle, null, alive.Token);
            await alive.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync((string Namespace, string Id, DateTimeOffset CreatedAt) key, TaskRecord task)
    {
        var handle = TaskRules.Handle(task);
        using var alive = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var ct = alive.Token;
        try
        {
            var check = HealthCheck.Parse(task.HealthCheck!);
            _ = EndWithExitAsync(handle, alive);
            var health = task.Health ?? HealthStatusMachine.Initial;
            var startedAt = task.StartedAt ?? task.CreatedAt;
            while (true)
            {
                await Task.Delay(machine.NextDelay(check, health, startedAt), clock, ct);
                var current = await store.GetAsync(key.Namespace, key.Id, ct);
                if (current is null || current.CreatedAt != key.CreatedAt || current.Status is not (TaskState.Running or TaskState.Paused))
                    return;
                if (current.Status == TaskState.Paused)
                    continue;
                try
                {
                    var probe = await prober.ProbeAsync(handle, check, ct);
                    if (await recorder.RecordAsync(key.Namespace, key.Id, key.CreatedAt, check, probe, ct) is not { } recorded)
                        return;
                    health = recorded;
                }
                catch (PlatformException e) when (!ct.IsCancellationRequested)
                {
                    // The task exited (or is exiting) between the check and the exec: the next turn sees it.
                    logger.LogDebug("Health probe of {Namespace}/{ContainerId} did not run: {Reason}", key.Namespace, key.Id, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Health checks of {Namespace}/{ContainerId} stopped", key.Namespace, key.Id);
        }
        finally
        {
            await alive.CancelAsync();
            lock (_loops)
                _loops.TryRemove(key, out _);
        }
    }
}
