using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;

namespace Platform.Security.Tests.Policy;

/// <summary>
/// Per-user and per-task limits of the task runner, through the real broker and runc: held waits per user, exec
/// processes per task. Passing one is ResourceExhausted naming the limit's setting; the services' user is not counted.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class When_a_user_reaches_a_task_limit(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_user_cannot_hold_more_waits_than_its_limit_and_a_slot_frees_when_a_wait_ends()
    {
        await fixture.CreateAsync(fixture.User, "held", ["sleep", "30"]);
        await fixture.User.Tasks.CreateAsync("held", fixture.Namespace, Ct);
        await fixture.User.Tasks.StartAsync("held", fixture.Namespace, Ct);
        using var stopWaits = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        try
        {
            var waits = Enumerable.Range(0, PolicyFixture.HeldRequestsPerUser)
                .Select(_ => fixture.User.Tasks.WaitAsync("held", null, fixture.Namespace, stopWaits.Token)).ToList();
            // Once the held waits have reached the runner, one more is refused at once rather than held.
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var refused = await Assert.ThrowsAsync<PlatformException>(() => fixture.User.Tasks.WaitAsync("held", null, fixture.Namespace, Ct));
            Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
            Assert.Contains("TaskRunner:HeldRequestsPerUser", refused.Message);

            // The services' own user is not counted.
            using var serviceWait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var byService = fixture.Service.Tasks.WaitAsync("held", null, fixture.Namespace, serviceWait.Token);

            // The task ends: every held wait answers, and the user's slots are free again.
            await fixture.Service.Tasks.KillAsync("held", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
            foreach (var wait in waits)
                Assert.Equal(137, (await wait).ExitStatus);
            Assert.Equal(137, (await byService).ExitStatus);
            Assert.Equal(137, (await fixture.User.Tasks.WaitAsync("held", null, fixture.Namespace, Ct)).ExitStatus);
        }
        finally
        {
            await stopWaits.CancelAsync();
            await DeleteIfThereAsync("held");
        }
    }

    [Fact]
    public async Task A_task_takes_no_more_exec_processes_than_its_limit()
    {
        await fixture.CreateAsync(fixture.User, "execs", ["sleep", "30"]);
        await fixture.User.Tasks.CreateAsync("execs", fixture.Namespace, Ct);
        await fixture.User.Tasks.StartAsync("execs", fixture.Namespace, Ct);
        try
        {
            for (var i = 0; i < PolicyFixture.MaxExecsPerTask; i++)
                await fixture.User.Tasks.ExecAsync("execs", $"e{i}", """{"args":["true"]}""", fixture.Namespace, Ct);
            var e = await Assert.ThrowsAsync<PlatformException>(() => fixture.User.Tasks.ExecAsync("execs", "one-more", """{"args":["true"]}""", fixture.Namespace, Ct));
            Assert.Equal(ErrorKind.ResourceExhausted, e.Kind);
            Assert.Contains("TaskRunner:MaxExecsPerTask", e.Message);
        }
        finally
        {
            await DeleteIfThereAsync("execs");
        }
    }

    // A task is deleted when it exits, so after a kill it may be gone already.
    private async Task DeleteIfThereAsync(string id)
    {
        try
        {
            await fixture.Service.Tasks.DeleteAsync(id, force: true, @namespace: fixture.Namespace, cancellationToken: Ct);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
        }
    }
}
