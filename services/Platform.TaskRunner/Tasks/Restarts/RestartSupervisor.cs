using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Health;
using Platform.Common.Restarts;
using Platform.TaskRunner.Health;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// Where the task runner's use cases tell the restart policy what happened: a user created the task (the policy is
/// armed, its count reset), its init process exited (a restart is decided and scheduled with docker's back-off), a
/// user stopped it (no restart until the next start), its container goes (supervision ends). Decisions are written to
/// the <see cref="IRestartStore"/> before they are scheduled, so a runner restart resumes them (<see cref="RestartWorker"/>);
/// the <see cref="TaskRestarter"/> carries them out.
/// </summary>
public sealed class RestartSupervisor(
    IRestartStore store,
    RestartSchedule schedule,
    RestartCountLabel counts,
    IOptions<RestartOptions> options,
    TimeProvider clock,
    ILogger<RestartSupervisor> logger)
{
    /// <summary>
    /// After a task is committed, under its lock: a user's create arms the container's policy afresh (count 0, not
    /// stopped, as docker's start); a restart by the policy only picks up a policy changed on the container meanwhile.
    /// </summary>
    public async Task ArmAsync(TaskRecord task, IReadOnlyDictionary<string, string>? labels, bool privileged, bool byPolicy, CancellationToken cancellationToken)
    {
        var (ns, id) = (task.Namespace, task.ContainerId);
        var policy = RestartPolicy.Of(labels);
        // podman's --health-on-failure=restart restarts an unhealthy task whatever its restart policy: such a container
        // is supervised under policy "no", and OnExitedAsync restarts the exits of unhealthy tasks.
        if (policy.Kind == RestartPolicyKind.No && HealthCheck.FromLabels(labels)?.OnFailure != "restart")
        {
            schedule.Cancel(ns, id);
            await store.DeleteAsync(ns, id, cancellationToken);
            return;
        }
        var current = await store.GetAsync(ns, id, cancellationToken);
        if (byPolicy && current is not null)
        {
            if (current.Policy != policy.ToString())
                await store.PutAsync(current with { Policy = policy.ToString() }, cancellationToken);
            return;
        }
        schedule.Cancel(ns, id);
        await store.PutAsync(new RestartState { Namespace = ns, ContainerId = id, Policy = policy.ToString(), Privileged = privileged }, cancellationToken);
        if (labels is not null && labels.TryGetValue(RestartPolicy.CountLabel, out var shown) && shown != "0")
            await counts.SetAsync(ns, id, 0, cancellationToken);
        logger.LogDebug("Task {Namespace}/{ContainerId} supervised with restart policy {RestartPolicy}", ns, id, policy.ToString());
    }

    /// <summary>
    /// Right after a task's init exit was recorded (once), under its lock: schedules a restart when the policy says so.
    /// The task's removal follows under the same lock, so the restart, which takes that lock to create the task
    /// again, can only come after it.
    /// </summary>
    public async Task OnExitedAsync(TaskRecord stopped, CancellationToken cancellationToken)
    {
        var (ns, id) = (stopped.Namespace, stopped.ContainerId);
        if (await store.GetAsync(ns, id, cancellationToken) is not { } state)
            return;
        var policy = RestartPolicy.TryParse(state.Policy, out var parsed) ? parsed : RestartPolicy.No;
        var unhealthy = RestartsUnhealthy(stopped) && !state.StoppedByUser;
        if (!unhealthy && !policy.RestartsAfter(stopped.ExitStatus, state.RestartCount, state.StoppedByUser))
        {
            logger.LogInformation("Task {Namespace}/{ContainerId} stays down: restart policy {RestartPolicy}, {RestartCount} restarts, stopped by a user: {StoppedByUser}",
                ns, id, state.Policy, state.RestartCount, state.StoppedByUser);
            return;
        }
        TimeSpan? ranFor = stopped.StartedAt is { } started && stopped.ExitedAt is { } exited ? exited - started : null;
        var delay = options.Value.Backoff.Next(state.Backoff, ranFor);
        var at = clock.GetUtcNow() + delay;
        await store.PutAsync(state with { Backoff = delay, RestartAt = at, LastExitStatus = stopped.ExitStatus, LastExitedAt = stopped.ExitedAt }, cancellationToken);
        schedule.Schedule(ns, id, at);
        logger.LogInformation("Task {Namespace}/{ContainerId} exited with {ExitStatus}; restarting in {Delay} (restart policy {RestartPolicy}, unhealthy: {Unhealthy})",
            ns, id, stopped.ExitStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown status", delay, state.Policy, unhealthy);
    }

    /// <summary>The task was unhealthy when it exited and its health check says <c>onFailure: restart</c>.</summary>
    private static bool RestartsUnhealthy(TaskRecord stopped) =>
        stopped.Health?.Status == HealthStatuses.Unhealthy
        && stopped.HealthCheck is { } json && HealthCheck.Parse(json).OnFailure == "restart";

    /// <summary>A user killed or deleted the task (before the signal is sent): no restart until the next start.</summary>
    public async Task StoppedByUserAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        schedule.Cancel(@namespace, containerId);
        if (await store.MarkStoppedAsync(@namespace, containerId, cancellationToken))
            logger.LogInformation("Task {Namespace}/{ContainerId} stopped by a user: its restart policy holds off until the next start", @namespace, containerId);
    }

    /// <summary>The container is being deleted: its supervision ends.</summary>
    public async Task ForgetAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        schedule.Cancel(@namespace, containerId);
        await store.DeleteAsync(@namespace, containerId, cancellationToken);
    }
}
