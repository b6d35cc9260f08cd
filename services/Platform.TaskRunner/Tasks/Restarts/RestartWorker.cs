using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Common.Restarts;
using Platform.Contracts;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// Once the host has started: resumes what the store says (a back-off that was under way when the runner stopped is
/// scheduled for its time; an <c>always</c> container without a task, even one a user stopped, and an
/// <c>unless-stopped</c> one a user did not stop, are started, as docker does when its daemon starts), then carries
/// out each restart as it falls due. A container whose task still has a record is left to that task's exit, which
/// reconciliation reports when it happened while the runner was away.
/// </summary>
public sealed class RestartWorker(
    IRestartStore restarts,
    ITaskStore tasks,
    RestartSchedule schedule,
    TaskRestarter restarter,
    PlatformClient platform,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<RestartWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Restarts talk to the metadata service over the bus: wait until the host (and its bus) has started.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        try
        {
            await ResumeAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Resuming restart policies failed; pending restarts wait for the runner's next start");
        }
        try
        {
            await foreach (var (ns, id) in schedule.Due.ReadAllAsync(stoppingToken))
                _ = Task.Run(() => RestartAsync(ns, id, stoppingToken), CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        foreach (var state in await restarts.ListAsync(cancellationToken))
        {
            if (await tasks.GetAsync(state.Namespace, state.ContainerId, cancellationToken) is not null)
                continue;
            var policy = RestartPolicy.TryParse(state.Policy, out var parsed) ? parsed : RestartPolicy.No;
            if (!state.StoppedByUser && state.RestartAt is { } due)
            {
                logger.LogInformation("Resuming the pending restart of {Namespace}/{ContainerId}", state.Namespace, state.ContainerId);
                schedule.Schedule(state.Namespace, state.ContainerId, due);
            }
            else if (policy.Kind == RestartPolicyKind.Always || (policy.Kind == RestartPolicyKind.UnlessStopped && !state.StoppedByUser))
            {
                logger.LogInformation("Starting {Namespace}/{ContainerId} again after the runner's restart (restart policy {RestartPolicy})",
                    state.Namespace, state.ContainerId, state.Policy);
                var now = clock.GetUtcNow();
                await restarts.PutAsync(state with { StoppedByUser = false, RestartAt = now }, cancellationToken);
                schedule.Schedule(state.Namespace, state.ContainerId, now);
            }
            else
            {
                await ForgetIfGoneAsync(state, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A container deleted while no task held it asks no one (only its restart would have found out): a record with
    /// nothing left to do is dropped here when its container is gone, so such records last at most until the next start.
    /// </summary>
    private async Task ForgetIfGoneAsync(RestartState state, CancellationToken cancellationToken)
    {
        try
        {
            await platform.Containers.GetAsync(state.ContainerId, state.Namespace, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            await restarts.DeleteAsync(state.Namespace, state.ContainerId, cancellationToken);
        }
    }

    private async Task RestartAsync(string ns, string id, CancellationToken cancellationToken)
    {
        try
        {
            await restarter.RestartAsync(ns, id, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the pending restart is in the store for the next start.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Restarting task {Namespace}/{ContainerId} failed", ns, id);
        }
    }
}
