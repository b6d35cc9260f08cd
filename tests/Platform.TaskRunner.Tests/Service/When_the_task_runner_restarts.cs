using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.TaskRunner.Runtime;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// DESIGN.md invariant 6: stopping the runner leaves tasks running; the next start adopts them, and an exit that
/// happened while it was down is reported once with its real status.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_the_task_runner_restarts(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_adopt_a_running_task_and_report_its_later_exit_once()
    {
        var task = await fixture.RunAsync("survivor", "sleep", "60");

        await fixture.RestartAsync(() =>
        {
            Assert.True(Processes.Alive(task.Pid), "the task should keep running while the runner is down");
            return Task.CompletedTask;
        });

        Assert.Equal(TaskState.Running, (await fixture.Runc.Tasks.GetAsync("survivor", fixture.Namespace, Ct)).Status);
        await fixture.Runc.Tasks.KillAsync("survivor", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.Equal(137, (await fixture.WaitAsync("survivor")).ExitStatus);
        await fixture.GoneAsync("survivor");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("survivor").Count == 1, Ct);
        Assert.Single(fixture.EventsOf<TaskExited>("survivor"));
    }

    [Fact]
    public async Task Should_report_an_exit_that_happened_while_it_was_down_once_with_its_status()
    {
        var task = await fixture.RunAsync("departed", "sh", "-c", "sleep 1; exit 7");

        await fixture.RestartAsync(async () =>
            await Eventually.TrueAsync(() => !Processes.Alive(task.Pid), Ct, TimeSpan.FromSeconds(20), "the task should exit while the runner is down"));

        Assert.Equal(7, (await fixture.WaitAsync("departed")).ExitStatus);
        await fixture.GoneAsync("departed");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("departed").Count == 1, Ct);
        var exited = Assert.Single(fixture.EventsOf<TaskExited>("departed"));
        Assert.Equal(7, exited.ExitStatus);
        Assert.Equal(["TaskCreated", "TaskStarted", "TaskExited", "TaskDeleted"], fixture.TaskEvents("departed").Select(e => e.GetType().Name));
    }

    [Fact]
    public async Task Should_remove_runtime_state_that_no_task_record_describes()
    {
        // A crash between the runtime's create and the store's commit leaves a container no record knows.
        await fixture.ContainerAsync("orphan", "sleep", "60");
        var container = await fixture.Runc.Containers.GetAsync("orphan", fixture.Namespace, Ct);
        var runtime = fixture.Services.GetRequiredService<ITaskRuntime>();
        var handle = new TaskHandle(fixture.Namespace, "orphan", "runc");
        var mounts = (await fixture.Runc.Snapshots.MountsAsync("orphan", @namespace: fixture.Namespace, cancellationToken: Ct)).Mounts;
        var pid = await runtime.CreateAsync(new TaskLaunch(handle, container.Spec, mounts), Ct);
        Assert.Contains(runtime.ListOnDisk(), h => h.ContainerId == "orphan");

        await fixture.RestartAsync();

        var restarted = fixture.Services.GetRequiredService<ITaskRuntime>();
        await Eventually.TrueAsync(() => restarted.ListOnDisk().All(h => h.ContainerId != "orphan"), Ct, TimeSpan.FromSeconds(20),
            "reconciliation should remove the unrecorded runtime state");
        Assert.Equal(RuntimeState.Missing, await restarted.StateAsync(handle, Ct));
        await Eventually.TrueAsync(() => !Processes.Alive(pid), Ct, TimeSpan.FromSeconds(10), "its process should be gone");
        var error = await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.GetAsync("orphan", fixture.Namespace, Ct));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Should_report_an_unknown_status_when_the_monitor_dies_without_recording_one()
    {
        var task = await fixture.RunAsync("orphaned-by-monitor", "sleep", "60");
        var monitorPidFile = Path.Combine(fixture.DataRoot, "tasks", "state", fixture.Namespace, "orphaned-by-monitor", "init", "conmon.pid");
        var monitor = int.Parse(await File.ReadAllTextAsync(monitorPidFile, Ct), System.Globalization.CultureInfo.InvariantCulture);

        System.Diagnostics.Process.GetProcessById(monitor).Kill();

        var exit = await fixture.WaitAsync("orphaned-by-monitor");
        Assert.Null(exit.ExitStatus);
        await fixture.GoneAsync("orphaned-by-monitor");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("orphaned-by-monitor").Count == 1, Ct);
        Assert.Null(Assert.Single(fixture.EventsOf<TaskExited>("orphaned-by-monitor")).ExitStatus);
        await Eventually.TrueAsync(() => !Processes.Alive(task.Pid), Ct, TimeSpan.FromSeconds(10), "the cleanup should remove the container and its process");
    }
}
