using Platform.TaskRunner.Networks.Cni;
using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Errors;
using Platform.Common.Networks;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Tasks;
using Platform.TaskRunner.Tests.Service;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Issue 12 part 2, end to end on real runc and CNI plugins: a task on a network gets an address in its subnet that
/// the host side and the network's other tasks reach; when tasks go, their veths, leases and namespace files go too.
/// Traffic only flows inside <see cref="CniFixture.HostSide"/> and the containers' own namespaces.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_tasks_join_a_network(CniFixture fixture) : IClassFixture<CniFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_give_the_task_an_address_in_the_subnet_that_the_host_side_reaches()
    {
        await fixture.RunOnAsync(CniFixture.Network, "web1", CniFixture.WebServer("web1"));

        var address = fixture.AddressOf("web1");
        Assert.True(IPNetwork.Parse("10.89.0.0/24").Contains(IPAddress.Parse(address)), $"{address} should be in 10.89.0.0/24");
        Assert.Equal("10.89.0.1", (string?)fixture.Attachment("web1").Result!["ips"]![0]!["gateway"]);
        await Eventually.TrueAsync(() => Get(address).Contains("hello-web1"), Ct, TimeSpan.FromSeconds(20),
            $"http://{address}:8080/ should answer from the test's host-side namespace");

        await fixture.StopAsync("web1");
    }

    [Fact]
    public async Task Should_let_two_tasks_on_the_network_reach_each_other()
    {
        await fixture.RunOnAsync(CniFixture.Network, "server", CniFixture.WebServer("server"));
        var address = fixture.AddressOf("server");

        await fixture.RunOnAsync(CniFixture.Network, "client", "sh", "-c",
            $"for i in $(busybox seq 100); do r=$(busybox printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 1 {address} 8080); " +
            "case \"$r\" in *hello-server*) echo \"$r\"; exit 0;; esac; sleep 0.2; done; exit 1");

        Assert.Equal(0, (await fixture.WaitAsync("client")).ExitStatus);
        var logs = await fixture.Runc.Tasks.ReadLogsAsync("client", 0, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.Contains("hello-server", string.Concat(logs.Entries.Select(e => e.Text)));
        await fixture.StopAsync("server");
    }

    [Fact]
    public async Task Should_leave_no_veth_lease_or_namespace_file_once_its_tasks_are_gone()
    {
        var vethsBefore = fixture.HostSide.Veths().Count;
        await fixture.RunOnAsync(CniFixture.Network, "leaver", "sleep", "60");
        var address = fixture.AddressOf("leaver");
        Assert.Contains(address, fixture.Leases());
        Assert.Equal(vethsBefore + 1, fixture.HostSide.Veths().Count);
        Assert.Contains(fixture.NetnsFiles(), f => f.EndsWith("/leaver", StringComparison.Ordinal));

        await fixture.StopAsync("leaver");

        Assert.DoesNotContain(address, fixture.Leases());
        Assert.Equal(vethsBefore, fixture.HostSide.Veths().Count);
        Assert.DoesNotContain(fixture.NetnsFiles(), f => f.EndsWith("/leaver", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains("/leaver.", StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadAllText("/proc/self/mountinfo"), Path.Combine(fixture.NetworksDir, "netns", fixture.Namespace, "leaver"));
    }

    [Fact]
    public async Task Should_attach_and_detach_50_tasks_joining_at_once_without_a_leak()
    {
        // One task with a port first: the plugins' shared chains (made once, kept) exist before the count.
        await fixture.RunOnAsync(CniFixture.Network, "warmup", ["sleep", "120"], new Dictionary<string, string> { [PortMapping.Label] = "8080" });
        await fixture.StopAsync("warmup");
        var vethsBefore = fixture.HostSide.Veths().Count;
        var leasesBefore = fixture.Leases();
        var rulesBefore = fixture.HostSide.IptablesRules();
        var ids = Enumerable.Range(1, 50).Select(i => $"crowd{i}").ToList();

        // Every fifth one publishes a port (free host ports: portmap's rules too). Eight requests in flight at a time:
        // all 50 at once would wait in the runner's queue past the client's timeout on a loaded 2-core machine.
        using var inFlight = new SemaphoreSlim(8);
        async Task Bounded(Func<Task> work)
        {
            await inFlight.WaitAsync(Ct);
            try
            {
                await work();
            }
            finally
            {
                inFlight.Release();
            }
        }
        await Task.WhenAll(ids.Select((id, i) => Bounded(() => fixture.RunOnAsync(CniFixture.Network, id, ["sleep", "120"],
            i % 5 == 0 ? new Dictionary<string, string> { [PortMapping.Label] = "8080" } : null))));

        var addresses = ids.Select(fixture.AddressOf).ToList();
        Assert.Contains(fixture.HostSide.IptablesRules(), r => r.Contains(addresses[0], StringComparison.Ordinal));
        Assert.Equal(ids.Count, addresses.Distinct().Count());
        Assert.Equal(vethsBefore + ids.Count, fixture.HostSide.Veths().Count);
        Assert.All(addresses, a => Assert.Contains(a, fixture.Leases()));

        await Task.WhenAll(ids.Select(id => Bounded(() => fixture.StopAsync(id))));

        Assert.Equal(leasesBefore, fixture.Leases());
        Assert.Equal(vethsBefore, fixture.HostSide.Veths().Count);
        Assert.DoesNotContain(fixture.NetnsFiles(), f => f.Contains("/crowd", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains("/crowd", StringComparison.Ordinal));
        Assert.Equal(rulesBefore, fixture.HostSide.IptablesRules());
        Assert.DoesNotContain(fixture.Services.GetRequiredService<TaskNames>().List(), t => t.ContainerId.StartsWith("crowd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_give_a_task_on_none_only_loopback()
    {
        await fixture.RunOnAsync(NetworkLabels.None, "isolated", "busybox", "ip", "-o", "link");

        Assert.Equal(0, (await fixture.WaitAsync("isolated")).ExitStatus);
        var logs = await fixture.Runc.Tasks.ReadLogsAsync("isolated", 0, @namespace: fixture.Namespace, cancellationToken: Ct);
        var links = string.Concat(logs.Entries.Select(e => e.Text)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["lo"], links.Select(l => l.Split(':')[1].Trim()));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains("/isolated.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_the_host_network_to_an_unprivileged_caller_naming_the_rule()
    {
        await fixture.ContainerAsync("on-host", ["true"], null, labels: new Dictionary<string, string> { [NetworkLabels.Network] = NetworkLabels.Host });
        var creation = fixture.Services.GetRequiredService<TaskCreation>();

        var error = await Errors.Of(ErrorKind.PermissionDenied,
            () => creation.CreateAsync(new CreateTask { Namespace = fixture.Namespace, ContainerId = "on-host" }, privileged: false, Ct));

        Assert.Contains("network 'host'", error.Message);
        Assert.Contains("privileged", error.Message);
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("on-host", fixture.Namespace, Ct));
    }

    [Fact]
    public async Task Should_refuse_an_unknown_network_as_not_found_leaving_nothing()
    {
        await fixture.ContainerAsync("nowhere", ["true"], null, labels: new Dictionary<string, string> { [NetworkLabels.Network] = "no-such-net" });

        var error = await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.CreateAsync("nowhere", fixture.Namespace, Ct));

        Assert.Contains("no-such-net", error.Message);
        Assert.DoesNotContain(fixture.NetnsFiles(), f => f.EndsWith("/nowhere", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains("/nowhere.", StringComparison.Ordinal));
    }

    private string Get(string address) => fixture.HostSide.HttpGet(address, 8080);
}
