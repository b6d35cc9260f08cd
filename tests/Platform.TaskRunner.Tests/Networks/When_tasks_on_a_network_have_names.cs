using System.Runtime.Versioning;
using Platform.Common.Networks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Names on a network: every member's /etc/hosts lists the others by container id and alias, kept current as tasks
/// join and leave; /etc/hostname and /etc/resolv.conf are the task's own (--dns, --add-host). Traffic stays inside
/// the suite's network namespace and the containers'.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_tasks_on_a_network_have_names(CniFixture fixture) : IClassFixture<CniFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> InsideAsync(string id, string execId, string script)
    {
        await fixture.Runc.Tasks.ExecAsync(id, execId, $$"""{"args":["sh","-c","{{script}}"]}""", fixture.Namespace, Ct);
        var text = new System.Text.StringBuilder();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync(id, follow: true, execId: execId, @namespace: fixture.Namespace, cancellationToken: Ct))
            text.Append(entry.Text);
        return text.ToString();
    }

    [Fact]
    public async Task Should_reach_a_member_by_its_alias_and_keep_hosts_current_as_members_leave()
    {
        await fixture.RunOnAsync(CniFixture.Network, "names-db", CniFixture.WebServer("names-db"),
            new Dictionary<string, string> { [NetworkLabels.Aliases] = "db,database" });
        await fixture.RunOnAsync(CniFixture.Network, "names-app", ["sleep", "120"], new Dictionary<string, string>
        {
            [NetworkLabels.Dns] = "10.89.0.53", [NetworkLabels.ExtraHosts] = "registry.local:10.89.0.200",
        });
        var db = fixture.AddressOf("names-db");
        var app = fixture.AddressOf("names-app");

        var hosts = await InsideAsync("names-app", "hosts", "cat /etc/hosts");
        Assert.Contains($"{app}\tnames-app\n", hosts);
        Assert.Contains($"{db}\tnames-db db database\n", hosts);
        Assert.Contains("10.89.0.200\tregistry.local\n", hosts);
        Assert.Equal("names-app\nnameserver 10.89.0.53\n", await InsideAsync("names-app", "conf", "cat /etc/hostname /etc/resolv.conf"));
        // The earlier member's file was rewritten when the later one joined: it knows the newcomer.
        Assert.Contains($"{app}\tnames-app\n", await InsideAsync("names-db", "hosts", "cat /etc/hosts"));

        // The alias leads to the web server.
        var answer = await InsideAsync("names-app", "get",
            "ip=$(busybox grep -w db /etc/hosts | busybox cut -f1); busybox printf 'GET / HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | busybox nc -w 2 $ip 8080");
        Assert.Contains("hello-names-db", answer);

        await fixture.StopAsync("names-db");
        Assert.DoesNotContain("names-db", await InsideAsync("names-app", "after", "cat /etc/hosts"));
        await fixture.StopAsync("names-app");
    }
}
