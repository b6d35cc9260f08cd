using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Waits on every live process's monitor record and hands each exit to <see cref="TaskService.HandleExitAsync"/>.
/// A failing report is retried with back-off; it stays recorded on disk by the monitor, so nothing is lost if the
/// runner stops first (reconciliation reports it on the next start).
/// </summary>
public sealed class ExitWatch(ITaskRuntime runtime, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<ExitWatch> logger)
{
    private readonly ConcurrentDictionary<(string, string, string), CancellationTokenSource> _watching = new();

    public int Count => _watching.Count;

    public void Watch(TaskHandle task, string? execId)
    {
        var key = (task.Namespace, task.ContainerId, execId ?? "");
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        if (!_watching.TryAdd(key, stop))
        {
            stop.Dispose();
            return;
        }
        _ = Task.Run(() => RunAsync(task, execId, key, stop));
    }

    /// <summary>Stops watching a task's processes (it is being deleted).</summary>
    public void Forget(TaskHandle task)
    {
        foreach (var key in _watching.Keys.Where(k => k.Item1 == task.Namespace && k.Item2 == task.ContainerId))
        {
            if (_watching.TryRemove(key, out var stop))
                stop.Cancel();
        }
    }

    private async Task RunAsync(TaskHandle task, string? execId, (string, string, string) key, CancellationTokenSource stop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        try
        {
            var exit = await runtime.WaitForExitAsync(task, execId, stop.Token);
            // Removed before reporting: the report may delete the task, which forgets its watches.
            if (_watching.TryRemove(new KeyValuePair<(string, string, string), CancellationTokenSource>(key, stop)))
                stop.Dispose();
            var service = services.GetRequiredService<TaskService>();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await service.HandleExitAsync(task, execId, exit, lifetime.ApplicationStopping);
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
