using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// <see cref="TaskExits"/> owns "an exit is reported once" (DESIGN.md invariant 6): the exit watch and reconciliation
/// may both report the same exit, and a report may be retried after a failure. A second report must change nothing:
/// TaskExited and the retained exit are written in one transaction, so an unchanged status proves no second event.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_an_exit_is_reported_twice(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_record_it_once_and_keep_the_first_status()
    {
        const string id = "reported-twice";
        await fixture.RunAsync(id, "sleep", "60");
        var exits = fixture.Services.GetRequiredService<TaskExits>();
        var handle = new TaskHandle(fixture.Namespace, id, "runc");
        await fixture.Runc.Tasks.ExecAsync(id, "probe", """{"args":["sh","-c","exit 5"]}""", fixture.Namespace, Ct);
        Assert.Equal(5, (await fixture.WaitAsync(id, "probe")).ExitStatus);

        await exits.ReportAsync(handle, "probe", new ProcessExit(9, DateTimeOffset.UtcNow), Ct);

        var probe = Assert.Single((await fixture.Runc.Tasks.GetAsync(id, fixture.Namespace, Ct)).Execs);
        Assert.Equal(5, probe.ExitStatus);

        await fixture.Runc.Tasks.KillAsync(id, signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.Equal(137, (await fixture.WaitAsync(id)).ExitStatus);
        await fixture.GoneAsync(id);

        await exits.ReportAsync(handle, null, new ProcessExit(9, DateTimeOffset.UtcNow), Ct);

        Assert.Equal(137, (await exits.RetainedAsync(fixture.Namespace, id, null, Ct))!.ExitStatus);
        Assert.Equal(5, (await exits.RetainedAsync(fixture.Namespace, id, "probe", Ct))!.ExitStatus);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>(id).Count == 1, Ct, because: "TaskDeleted follows the exit");
        Assert.Equal([(string?)"probe", null], fixture.EventsOf<TaskExited>(id).Select(e => e.ExecId));
    }
}
