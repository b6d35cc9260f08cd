using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Restarts;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Tasks.Restarts;
using Platform.TaskRunner.Tests.Service;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>
/// docker's restart policies with real runc: the runner creates and starts a task again after its exit when the
/// container's label says so, reports each exit once, then TaskRestarted; a user's kill ends the policy.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_task_has_a_restart_policy(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_restart_a_failing_task_on_failure_exactly_N_times_then_leave_it_down()
    {
        await RunAsync("flaky", "on-failure:2", "sh", "-c", "exit 1");

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("flaky").Count == 3, Ct, Patience, "three runs should end");
        // The decision not to restart is written before the task's removal, which TaskDeleted follows.
        var state = await RecordAsync("flaky");
        Assert.Equal(2, state.RestartCount);
        Assert.Null(state.RestartAt);
        Assert.Equal(0, fixture.Services.GetRequiredService<RestartSchedule>().Pending);
        await fixture.GoneAsync("flaky");

        Assert.Equal(3, fixture.EventsOf<TaskExited>("flaky").Count);
        Assert.All(fixture.EventsOf<TaskExited>("flaky"), e => Assert.Equal(1, e.ExitStatus));
        var restarted = fixture.EventsOf<TaskRestarted>("flaky");
        Assert.Equal([1, 2], restarted.Select(r => r.RestartCount));
        Assert.All(restarted, r => Assert.Equal(1, r.ExitStatus));
        Assert.Equal(
            ["TaskCreated", "TaskStarted", "TaskExited", "TaskDeleted",
             "TaskCreated", "TaskStarted", "TaskRestarted", "TaskExited", "TaskDeleted",
             "TaskCreated", "TaskStarted", "TaskRestarted", "TaskExited", "TaskDeleted"],
            fixture.TaskEvents("flaky").Select(e => e.GetType().Name));
        await Eventually.TrueAsync(async () => (await LabelAsync("flaky", RestartPolicy.CountLabel)) == "2", Ct, Patience,
            "the container should show the restart count");
    }

    [Fact]
    public async Task Should_not_restart_a_task_that_succeeds_on_failure()
    {
        await RunAsync("content", "on-failure", "sh", "-c", "exit 0");

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("content").Count == 1, Ct, Patience, "the run should end");
        var state = await RecordAsync("content");
        Assert.Equal(0, state.RestartCount);
        Assert.Null(state.RestartAt);
        Assert.Empty(fixture.EventsOf<TaskRestarted>("content"));
    }

    [Fact]
    public async Task Should_restart_always_on_the_same_rootfs_until_a_user_kills_it()
    {
        // The first run leaves a file on the container's snapshot and exits; the restarted run finds it and stays up.
        await RunAsync("phoenix", "always", "sh", "-c", "if [ -e /ran-before ]; then exec sleep 600; fi; touch /ran-before; exit 3");

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskRestarted>("phoenix").Count == 1, Ct, Patience, "the task should be restarted");
        var restarted = Assert.Single(fixture.EventsOf<TaskRestarted>("phoenix"));
        Assert.Equal(3, restarted.ExitStatus);
        var task = await fixture.Runc.Tasks.GetAsync("phoenix", fixture.Namespace, Ct);
        Assert.Equal(TaskState.Running, task.Status);
        Assert.Equal(restarted.Pid, task.Pid);
        Assert.Equal(1, task.RestartCount);
        Assert.Equal(1, Assert.Single(await fixture.Runc.Tasks.ListAsync(@namespace: fixture.Namespace, cancellationToken: Ct), t => t.ContainerId == "phoenix").RestartCount);
        await Eventually.TrueAsync(async () => (await LabelAsync("phoenix", RestartPolicy.CountLabel)) == "1", Ct, Patience,
            "the container should show the restart count");

        await fixture.Runc.Tasks.KillAsync("phoenix", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("phoenix").Count == 2, Ct, Patience, "the killed task should be deleted");
        var state = await RecordAsync("phoenix");
        Assert.True(state.StoppedByUser);
        Assert.Null(state.RestartAt);
        Assert.Equal(0, fixture.Services.GetRequiredService<RestartSchedule>().Pending);
        await fixture.GoneAsync("phoenix");
        Assert.Equal([3, 137], fixture.EventsOf<TaskExited>("phoenix").Select(e => e.ExitStatus));
        Assert.Single(fixture.EventsOf<TaskRestarted>("phoenix"));
    }

    [Fact]
    public async Task Should_end_supervision_when_the_container_is_removed_by_force()
    {
        await RunAsync("doomed", "always", "sleep", "600");

        await fixture.Runc.Containers.DeleteAsync("doomed", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("doomed").Count == 1, Ct, Patience, "the task should be deleted");
        Assert.Null(await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, "doomed", Ct));
        Assert.Empty(fixture.EventsOf<TaskRestarted>("doomed"));
    }

    private async Task RunAsync(string id, string policy, params string[] args)
    {
        await fixture.ContainerAsync(id, args, null, labels: new Dictionary<string, string> { [RestartPolicy.Label] = policy });
        await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);
    }

    private async Task<RestartState> RecordAsync(string id) =>
        await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, id, Ct)
        ?? throw new Xunit.Sdk.XunitException($"no restart record for {id}");

    private async Task<string?> LabelAsync(string id, string key) =>
        (await fixture.Runc.Containers.GetAsync(id, fixture.Namespace, Ct)).Labels.GetValueOrDefault(key);
}
