using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Restarts;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Tasks.Restarts;
using Platform.TaskRunner.Tests.Service;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>The runner's fixture with a first restart delay long enough to stop the runner in the middle of it.</summary>
[SupportedOSPlatform("linux")]
public sealed class SlowRestartFixture : TaskFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [RestartOptions.Section + ":FirstDelay"] = "00:00:03",
    };
}

/// <summary>
/// Restart supervision survives the runner: a back-off under way when it stops still ends in a restart; an
/// <c>always</c> task whose process died while the runner was away (as in a machine restart) runs again; after a
/// user's stop, <c>always</c> comes back when the runner starts again and <c>unless-stopped</c> doesn't (docker's rules).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_the_runner_restarts_under_a_restart_policy(SlowRestartFixture fixture) : IClassFixture<SlowRestartFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_restart_a_task_whose_back_off_was_under_way()
    {
        await RunAsync("midway", "on-failure:1", "sh", "-c", "exit 5");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("midway").Count == 1, Ct, Patience, "the first run should end");
        Assert.NotNull((await RecordAsync("midway")).RestartAt);

        // Stopping takes well under the 3 s back-off: the restart is still pending when the runner goes.
        await fixture.RestartAsync(() =>
        {
            Assert.Empty(fixture.EventsOf<TaskRestarted>("midway"));
            return Task.CompletedTask;
        });

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("midway").Count == 2, Ct, Patience, "the restarted run should end too");
        var restarted = Assert.Single(fixture.EventsOf<TaskRestarted>("midway"));
        Assert.Equal(1, restarted.RestartCount);
        Assert.Equal(5, restarted.ExitStatus);
        Assert.Equal(2, fixture.EventsOf<TaskExited>("midway").Count);
        Assert.Null((await RecordAsync("midway")).RestartAt); // on-failure:1 is spent
    }

    [Fact]
    public async Task Should_run_an_always_task_again_whose_process_died_while_the_runner_was_away()
    {
        var task = await RunAsync("survivor", "always", "sleep", "600");

        await fixture.RestartAsync(async () =>
        {
            System.Diagnostics.Process.GetProcessById(task.Pid).Kill();
            await Eventually.TrueAsync(() => !Processes.Alive(task.Pid), Ct, Patience, "the task's process should die while the runner is down");
        });

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskRestarted>("survivor").Count == 1, Ct, Patience, "the task should run again");
        var running = await fixture.Runc.Tasks.GetAsync("survivor", fixture.Namespace, Ct);
        Assert.Equal(TaskState.Running, running.Status);
        Assert.NotEqual(task.Pid, running.Pid);
        Assert.Equal(137, Assert.Single(fixture.EventsOf<TaskExited>("survivor")).ExitStatus);
    }

    [Fact]
    public async Task Should_bring_back_a_stopped_always_task_but_not_a_stopped_unless_stopped_one()
    {
        await RunAsync("always-stopped", "always", "sleep", "600");
        await RunAsync("unless-stopped", "unless-stopped", "sleep", "600");
        foreach (var id in (string[])["always-stopped", "unless-stopped"])
            await fixture.Runc.Tasks.KillAsync(id, signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("always-stopped").Count == 1 && fixture.EventsOf<TaskDeleted>("unless-stopped").Count == 1,
            Ct, Patience, "both killed tasks should be deleted");
        Assert.True((await RecordAsync("always-stopped")).StoppedByUser);
        Assert.True((await RecordAsync("unless-stopped")).StoppedByUser);

        await fixture.RestartAsync();

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskRestarted>("always-stopped").Count == 1, Ct, Patience, "always should come back");
        Assert.Equal(TaskState.Running, (await fixture.Runc.Tasks.GetAsync("always-stopped", fixture.Namespace, Ct)).Status);
        Assert.False((await RecordAsync("always-stopped")).StoppedByUser);
        // The start-up pass decided about every container before the first restart it scheduled ran.
        var unless = await RecordAsync("unless-stopped");
        Assert.True(unless.StoppedByUser);
        Assert.Null(unless.RestartAt);
        Assert.Empty(fixture.EventsOf<TaskRestarted>("unless-stopped"));
        await fixture.GoneAsync("unless-stopped");
    }

    [Fact]
    public async Task Should_forget_a_container_removed_while_it_had_no_task()
    {
        await RunAsync("removed", "on-failure", "true");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("removed").Count == 1, Ct, Patience, "the run should end");
        await fixture.GoneAsync("removed");
        await fixture.Runc.Containers.DeleteAsync("removed", @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.NotNull(await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, "removed", Ct));

        await fixture.RestartAsync();

        await Eventually.TrueAsync(async () => await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, "removed", Ct) is null,
            Ct, Patience, "the start-up pass should drop the record of a container that is gone");
    }

    private async Task<TaskInfo> RunAsync(string id, string policy, params string[] args)
    {
        await fixture.ContainerAsync(id, args, null, labels: new Dictionary<string, string> { [RestartPolicy.Label] = policy });
        await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        return await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);
    }

    private async Task<RestartState> RecordAsync(string id) =>
        await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, id, Ct)
        ?? throw new Xunit.Sdk.XunitException($"no restart record for {id}");

}
