using Platform.TaskRunner.Tests.Service;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Runtime;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// After a runner restart, reconciliation takes apart the network attachments of tasks that exited while it was down,
/// and attachments no task describes (a crash between attach and commit): DEL through CNI, then the namespace file.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_the_runner_restarts_with_networked_tasks(CniFixture fixture) : IClassFixture<CniFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_detach_a_task_that_exited_while_it_was_down()
    {
        var vethsBefore = fixture.HostSide.Veths().Count;
        var task = await fixture.RunOnAsync(CniFixture.Network, "departed", "sh", "-c", "sleep 1; exit 3");
        var address = fixture.AddressOf("departed");
        Assert.Contains(address, fixture.Leases());

        await fixture.RestartAsync(async () =>
            await Eventually.TrueAsync(() => !Processes.Alive(task.Pid), Ct, TimeSpan.FromSeconds(20), "the task should exit while the runner is down"));

        Assert.Equal(3, (await fixture.WaitAsync("departed")).ExitStatus);
        await fixture.GoneAsync("departed");
        await Eventually.TrueAsync(() => !fixture.Leases().Contains(address), Ct, TimeSpan.FromSeconds(20), "its lease should be released");
        Assert.Equal(vethsBefore, fixture.HostSide.Veths().Count);
        Assert.DoesNotContain(fixture.NetnsFiles(), f => f.EndsWith("/departed", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains("/departed.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_keep_a_running_tasks_address_port_and_names_across_a_restart()
    {
        await fixture.RunOnAsync(CniFixture.Network, "survivor", CniFixture.WebServer("survivor"),
            new Dictionary<string, string> { [Platform.Common.Networks.PortMapping.Label] = "127.0.0.1:18090:8080" });
        var address = fixture.AddressOf("survivor");
        await Eventually.TrueAsync(() => fixture.HostSide.HttpGet("127.0.0.1", 18090).Contains("hello-survivor"), Ct, TimeSpan.FromSeconds(20),
            "the published port should answer before the restart");

        await fixture.RestartAsync();

        Assert.Equal(address, fixture.AddressOf("survivor"));
        Assert.Contains("hello-survivor", fixture.HostSide.HttpGet("127.0.0.1", 18090));
        Assert.Contains("hello-survivor", fixture.HostSide.HttpGet(address, 8080));
        var task = await fixture.Runc.Tasks.GetAsync("survivor", fixture.Namespace, Ct);
        Assert.Equal(18090, Assert.Single(task.Ports).HostPort);
        await fixture.StopAsync("survivor");
    }

    [Fact]
    public async Task Should_remove_an_attachment_that_no_task_describes()
    {
        var vethsBefore = fixture.HostSide.Veths().Count;
        var networks = fixture.Services.GetRequiredService<TaskNetworks>();
        var network = await fixture.Services.GetRequiredService<INetworkDirectory>().ResolveAsync(fixture.Namespace, CniFixture.Network, Ct);
        var stray = new TaskHandle(fixture.Namespace, "stray", "runc");
        await networks.AttachAsync(stray, TaskNetwork.Join(network), new JsonObject(), Ct);
        var address = fixture.AddressOf("stray");
        Assert.Contains(address, fixture.Leases());
        Assert.Equal(vethsBefore + 1, fixture.HostSide.Veths().Count);

        await fixture.RestartAsync();

        await Eventually.TrueAsync(() => fixture.NetnsFiles().Count == 0 && fixture.AttachmentFiles().Count == 0, Ct, TimeSpan.FromSeconds(20),
            "reconciliation should remove the stray attachment");
        Assert.DoesNotContain(address, fixture.Leases());
        Assert.Equal(vethsBefore, fixture.HostSide.Veths().Count);
    }
}
