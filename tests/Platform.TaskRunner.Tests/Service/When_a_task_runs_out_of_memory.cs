using System.Runtime.Versioning;
using Platform.Client.Oci;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// A task over its memory limit is killed by the kernel's OOM killer (real runc and cgroups): its exit is 137 and says
/// OomKilled on TaskExited, on WaitTask and on the retained exit, after a TaskOom event; a plain SIGKILL does not.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_task_runs_out_of_memory(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Limit8m(System.Text.Json.Nodes.JsonObject spec) =>
        SpecResources.Apply(spec, new ResourceLimits { MemoryBytes = LimitSyntax.Memory("8m") });

    [Fact]
    public async Task Should_report_137_and_oom_killed_after_a_TaskOom_event()
    {
        // The shell doubles a string until the cgroup's limit stops it.
        await fixture.ContainerAsync("hungry", ["sh", "-c", "x=a; while true; do x=$x$x; done"], Limit8m);
        await fixture.Runc.Tasks.CreateAsync("hungry", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync("hungry", fixture.Namespace, Ct);

        var exit = await fixture.WaitAsync("hungry");

        Assert.Equal(137, exit.ExitStatus);
        Assert.True(exit.OomKilled);
        await fixture.GoneAsync("hungry");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("hungry").Count == 1, Ct, because: "TaskDeleted follows the exit");
        Assert.Equal(["TaskCreated", "TaskStarted", "TaskOom", "TaskExited", "TaskDeleted"], fixture.TaskEvents("hungry").Select(e => e.GetType().Name));
        Assert.True(Assert.Single(fixture.EventsOf<TaskExited>("hungry")).OomKilled);
        var retained = await fixture.Runc.Tasks.WaitOnceAsync("hungry", TimeSpan.Zero, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.Equal(137, retained.Exit!.ExitStatus);
        Assert.True(retained.Exit.OomKilled);
        Assert.True((await fixture.Runc.Tasks.GetLastAsync("hungry", fixture.Namespace, Ct)).OomKilled);
    }

    [Fact]
    public async Task Should_not_call_a_SIGKILL_an_oom_kill()
    {
        await fixture.ContainerAsync("killed-limited", ["sleep", "60"], Limit8m);
        await fixture.Runc.Tasks.CreateAsync("killed-limited", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync("killed-limited", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.KillAsync("killed-limited", 9, @namespace: fixture.Namespace, cancellationToken: Ct);

        var exit = await fixture.WaitAsync("killed-limited");

        Assert.Equal(137, exit.ExitStatus);
        Assert.False(exit.OomKilled);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskExited>("killed-limited").Count == 1, Ct, because: "TaskExited is published");
        Assert.Empty(fixture.EventsOf<TaskOom>("killed-limited"));
    }
}
