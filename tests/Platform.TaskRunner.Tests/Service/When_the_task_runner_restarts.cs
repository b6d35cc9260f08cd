using System.Runtime.Versioning;
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
            Assert.True(Alive(task.Pid), "the task should keep running while the runner is down");
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
            await Eventually.TrueAsync(() => !Alive(task.Pid), Ct, TimeSpan.FromSeconds(20), "the task should exit while the runner is down"));

        Assert.Equal(7, (await fixture.WaitAsync("departed")).ExitStatus);
        await fixture.GoneAsync("departed");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("departed").Count == 1, Ct);
        var exited = Assert.Single(fixture.EventsOf<TaskExited>("departed"));
        Assert.Equal(7, exited.ExitStatus);
        Assert.Equal(["TaskCreated", "TaskStarted", "TaskExited", "TaskDeleted"], fixture.TaskEvents("departed").Select(e => e.GetType().Name));
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
