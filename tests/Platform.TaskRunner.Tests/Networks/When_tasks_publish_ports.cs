using System.Runtime.Versioning;
using Platform.Common.Networks;
using Platform.Contracts;
using Platform.TaskRunner.Tests.Service;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Published ports (label platform.io/ports, docker's -p) through CNI's portmap, all inside the suite's own network
/// namespace: 127.0.0.1 there reaches the task; a host port taken by another task or a listening socket is refused
/// before the task exists; -p CTR gets a free port, shown on the task.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_tasks_publish_ports(CniFixture fixture) : IClassFixture<CniFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task RunPublishedAsync(string id, string ports, params string[] args) =>
        fixture.RunOnAsync(CniFixture.Network, id, args, new Dictionary<string, string> { [PortMapping.Label] = ports });

    [Fact]
    public async Task Should_answer_on_the_host_port_from_127_0_0_1_and_show_it_on_the_task()
    {
        await RunPublishedAsync("published", "127.0.0.1:18080:8080", CniFixture.WebServer("published"));

        await Eventually.TrueAsync(() => fixture.HostSide.HttpGet("127.0.0.1", 18080).Contains("hello-published"), Ct, TimeSpan.FromSeconds(20),
            "127.0.0.1:18080 in the host-side namespace should reach the task's port 8080");
        var task = await fixture.Runc.Tasks.GetAsync("published", fixture.Namespace, Ct);
        var port = Assert.Single(task.Ports);
        Assert.Equal(("127.0.0.1", 18080, 8080, "tcp"), (port.HostIp, port.HostPort, port.ContainerPort, port.Protocol));
        Assert.Equal(fixture.AddressOf("published"), task.IpAddress);

        await fixture.StopAsync("published");
        // Its rules went with it: nothing answers there any more.
        Assert.DoesNotContain("hello-published", fixture.HostSide.HttpGet("127.0.0.1", 18080));
    }

    [Fact]
    public async Task Should_refuse_a_host_port_another_task_publishes_before_the_task_exists()
    {
        await RunPublishedAsync("holder", "18081:8080", "sleep", "60");

        var error = await Errors.Of(ErrorKind.FailedPrecondition, () => RunPublishedAsync("second", "127.0.0.1:18081:80", "sleep", "60"));

        Assert.Contains("18081/tcp", error.Message);
        Assert.Contains($"{fixture.Namespace}/holder", error.Message);
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("second", fixture.Namespace, Ct));
        await fixture.StopAsync("holder");
    }

    [Fact]
    public async Task Should_refuse_a_host_port_a_host_socket_listens_on()
    {
        using var listener = System.Diagnostics.Process.Start("ip", ["netns", "exec", fixture.HostSide.Name, "busybox", "nc", "-l", "-p", "18082"]);
        try
        {
            await Eventually.TrueAsync(() => fixture.HostSide.Exec("cat", "/proc/net/tcp", "/proc/net/tcp6").Stdout.Contains(":46A2 "), Ct,
                TimeSpan.FromSeconds(10), "the listener should be up");

            var error = await Errors.Of(ErrorKind.FailedPrecondition, () => RunPublishedAsync("blocked", "18082:80", "sleep", "60"));

            Assert.Contains("host port 18082/tcp is in use on the host", error.Message);
        }
        finally
        {
            listener.Kill();
        }
    }

    [Fact]
    public async Task Should_pick_a_free_host_port_for_a_container_port_alone()
    {
        await RunPublishedAsync("anyport", "8080", CniFixture.WebServer("anyport"));

        var port = Assert.Single((await fixture.Runc.Tasks.GetAsync("anyport", fixture.Namespace, Ct)).Ports);
        Assert.InRange(port.HostPort, 49153, 65535);
        await Eventually.TrueAsync(() => fixture.HostSide.HttpGet("127.0.0.1", port.HostPort).Contains("hello-anyport"), Ct, TimeSpan.FromSeconds(20),
            $"the chosen port {port.HostPort} should reach the task");
        await fixture.StopAsync("anyport");
    }

    [Fact]
    public async Task Should_refuse_published_ports_without_a_bridge_network_naming_the_label()
    {
        var error = await Errors.Of(ErrorKind.InvalidArgument, async () =>
        {
            await fixture.ContainerAsync("portless", ["sleep", "60"], null, labels: new Dictionary<string, string>
            {
                [NetworkLabels.Network] = NetworkLabels.None, [PortMapping.Label] = "8080:80",
            });
            await fixture.Runc.Tasks.CreateAsync("portless", fixture.Namespace, Ct);
        });

        Assert.Contains(PortMapping.Label, error.Message);
    }
}
