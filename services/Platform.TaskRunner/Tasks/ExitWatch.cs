using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Waits on every live process's monitor record and hands each exit to <see cref="TaskExits.ReportAsync"/>.
/// A failing report is retried with back-off; it stays recorded on disk by the monitor, so nothing is lost if the
/// runner stops first (reconciliation reports it on the next start).
/// </summary>
public sealed class ExitWatch(ITaskRuntime runtime, WatchedProcesses watched, TaskExits exits, IHostApplicationLifetime lifetime, ILogger<ExitWatch> logger)
{
    public void Watch(TaskHandle task, string? execId)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        if (!watched.TryAdd(task, execId, stop))
        {
            stop.Dispose();
            return;
        }
        _ = Task.Run(() => RunAsync(task, execId, stop));
    }

    private async Task RunAsync(TaskHandle task, string? execId, CancellationTokenSource stop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        try
        {
            var exit = await runtime.WaitForExitAsync(task, execId, stop.Token);
            // Removed before reporting: the report may delete the task, which forgets its watches.
            if (watched.TryRemove(task, execId, stop))
                stop.Dispose();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await exits.ReportAsync(task, execId, exit, lifetime.ApplicationStopping);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException && attempt < 8)
                {
                    logger.LogWarning(e, "Reporting the exit of {Namespace}/{ContainerId} {ExecId} failed; retrying in {Delay}",
                        task.Namespace, task.ContainerId, execId ?? "init", delay);
                    await Task.Delay(delay, lifetime.ApplicationStopping);
                    delay *= 2;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Forgotten, or the runner is stopping: the monitor keeps the exit for the next start.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Reporting the exit of {Namespace}/{ContainerId} {ExecId} failed; the periodic reconciliation will retry",
                task.Namespace, task.ContainerId, execId ?? "init");
        }
    }
}
