using System.Runtime.Versioning;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>DESIGN.md invariants 2 and 4: a live task blocks its container's deletion unless forced, and pins its rootfs.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_container_with_a_task_is_deleted(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_refuse_while_the_task_runs_then_kill_it_when_forced()
    {
        var task = await fixture.RunAsync("busy", "sleep", "60");

        var refused = await Errors.Of(ErrorKind.FailedPrecondition,
            () => fixture.Runc.Containers.DeleteAsync("busy", @namespace: fixture.Namespace, cancellationToken: Ct));
        Assert.Contains("running", refused.Message);
        Assert.Equal(TaskState.Running, (await fixture.Runc.Tasks.GetAsync("busy", fixture.Namespace, Ct)).Status);

        await fixture.Runc.Containers.DeleteAsync("busy", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);

        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("busy", fixture.Namespace, Ct));
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Containers.GetAsync("busy", fixture.Namespace, Ct));
        Assert.False(File.Exists($"/proc/{task.Pid}/cmdline") && File.ReadAllText($"/proc/{task.Pid}/cmdline").Contains("sleep"));
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskExited>("busy").Count == 1, Ct);
        Assert.Equal(137, fixture.EventsOf<TaskExited>("busy").Single().ExitStatus);
        await SnapshotCollectedAsync("busy");
    }

    [Fact]
    public async Task Should_keep_the_rootfs_of_a_live_task_and_collect_it_after_the_exit()
    {
        await fixture.RunAsync("pinned", "sh", "-c", "sleep 2; echo still-here > /tmp/proof; cat /tmp/proof");
        var explained = await fixture.Runc.Gc.ExplainAsync(new ResourceRef { Kind = "snapshot", Key = "pinned" }, fixture.Namespace, Ct);
        Assert.True(explained.Alive);
        Assert.Contains(explained.Chains, chain => chain[^1] == $"referenced by task {fixture.Namespace}/pinned");

        var exit = await fixture.WaitAsync("pinned");
        Assert.Equal(0, exit.ExitStatus);
        await fixture.GoneAsync("pinned");
        await fixture.Runc.Containers.DeleteAsync("pinned", @namespace: fixture.Namespace, cancellationToken: Ct);

        await SnapshotCollectedAsync("pinned");
        var log = new List<TaskLogEntry>();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("pinned", false, @namespace: fixture.Namespace, cancellationToken: Ct))
            log.Add(entry);
        Assert.Equal("still-here\n", string.Concat(log.Select(e => e.Text)));
    }

    private async Task SnapshotCollectedAsync(string key) =>
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await fixture.Client.Snapshots.StatAsync(key, @namespace: fixture.Namespace, cancellationToken: Ct);
                return false;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return true;
            }
        }, Ct, TimeSpan.FromSeconds(20), $"snapshot {key} should be collected");
}
