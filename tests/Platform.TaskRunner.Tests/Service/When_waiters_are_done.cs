using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.TaskRunner.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// Waits, log follows and forced deletes take an exit wake-up per process; once they are answered none may be
/// left behind, or a long-running runner would keep one for every process anyone ever waited on.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_waiters_are_done(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_leave_no_exit_wake_up_behind()
    {
        var signals = fixture.Services.GetRequiredService<ExitSignals>();
        async Task NoneLeftAsync(string after) =>
            await Eventually.TrueAsync(() => signals.Count == 0, Ct, TimeSpan.FromSeconds(5), $"{signals.Count} wake-up(s) left after {after}");

        await fixture.RunAsync("finished", "sh", "-c", "echo out; exit 4");
        Assert.Equal(4, (await fixture.WaitAsync("finished")).ExitStatus); // waits while it runs
        await fixture.GoneAsync("finished");
        await NoneLeftAsync("a wait while it ran");
        Assert.Equal(4, (await fixture.WaitAsync("finished")).ExitStatus); // answered from the retained exit
        await NoneLeftAsync("a wait answered from the retained exit");
        var output = new List<string>();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("finished", follow: true, @namespace: fixture.Namespace, cancellationToken: Ct))
            output.Add(entry.Text);
        Assert.Equal(["out\n"], output);
        await NoneLeftAsync("a follow of an ended task's log");

        await fixture.RunAsync("sleeper", "sleep", "60");
        await fixture.Runc.Tasks.DeleteAsync("sleeper", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);
        await NoneLeftAsync("a forced delete");
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.WaitAsync("never-was", null, fixture.Namespace, Ct));
        await NoneLeftAsync("a wait for a task that never was");
    }
}
