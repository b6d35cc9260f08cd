using System.Runtime.Versioning;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>create</c>, docker's: the container <c>run</c> would make, from the same flags, without its task; the task made
/// later from it has the limits, mounts, labels and policy the flags asked for (real runc; root).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_creates_a_container_with_run_flags(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_task_made_later_has_the_limits_mounts_labels_and_restart_policy_of_the_flags()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var rootfs = BusyboxRootfs.Create(_scratch.Folder("rootfs-create"));

        var created = await OkAsync(ctl, "create", "--rootfs", rootfs, "--memory", "64m", "--pids-limit", "40", "--tmpfs", "/scratch",
            "--read-only", "--hostname", "box.example", "--label", "team=web", "--restart", "on-failure:2", "--env", "GREETING=hi", "made", "--", "sleep", "600");

        Assert.Equal("made\n", created.Stdout);
        var container = Output.Block((await OkAsync(ctl, "containers", "get", "made")).Stdout);
        Assert.Contains("team=web", container["Labels"]);
        Assert.Contains("platform.io/restart.policy=on-failure:2", container["Labels"]);
        // Nothing runs until asked.
        Assert.Equal(4, (await ctl.RunAsync("tasks", "get", "made")).ExitCode);

        await OkAsync(ctl, "tasks", "create", "made");
        await OkAsync(ctl, "tasks", "start", "made");
        try
        {
            var cgroup = HostCgroup.Of(ctl.Namespace, "made");
            Assert.Equal(64L << 20, cgroup.MemoryLimit());
            Assert.Equal("40", cgroup.PidsMax());
            var inside = (await OkAsync(ctl, "tasks", "exec", "made", "--", "sh", "-c",
                "grep ' /scratch ' /proc/mounts | cut -d' ' -f3; echo $GREETING; echo x > /written 2>/dev/null || echo read-only; hostname")).Stdout;
            Assert.Equal("tmpfs\nhi\nread-only\nbox.example\n", inside);
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "made", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "made");
        }
    }

    [Fact]
    public async Task Network_and_published_ports_are_kept_on_the_container_as_labels()
    {
        var ctl = PlatformCtl.For(fixture);

        await OkAsync(ctl, "create", "--rootfs", "/", "--network", "appnet", "-p", "127.0.0.1:8080:80", "--publish", "53/udp",
            "--network-alias", "web", "--network-alias", "www", "--dns", "10.89.0.53", "--add-host", "registry.local:10.89.0.200", "wired", "--", "true");

        var labels = Output.Block((await OkAsync(ctl, "containers", "get", "wired")).Stdout)["Labels"];
        Assert.Contains("platform.io/network=appnet", labels);
        Assert.Contains("platform.io/ports=127.0.0.1:8080:80/tcp,53/udp", labels);
        Assert.Contains("platform.io/network.aliases=web,www", labels);
        Assert.Contains("platform.io/dns=10.89.0.53", labels);
        Assert.Contains("platform.io/extra-hosts=registry.local:10.89.0.200", labels);
        await OkAsync(ctl, "containers", "rm", "wired");
    }

    [Fact]
    public async Task A_malformed_published_port_exits_3_naming_the_flag_and_the_grammar()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("create", "--rootfs", "/", "-p", "80:http", "badport", "--", "true");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("-p: \"80:http\" is not a published port; expected [IP:]HOST:CTR[/tcp|udp]", result.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("containers", "get", "badport")).ExitCode);
        var badName = await ctl.RunAsync("create", "--rootfs", "/", "--hostname", "-bad", "badname", "--", "true");
        Assert.Equal(3, badName.ExitCode);
        Assert.Contains("--hostname \"-bad\" is not a valid hostname", badName.Stderr);
        var badHost = await ctl.RunAsync("create", "--rootfs", "/", "--add-host", "nocolon", "badhost", "--", "true");
        Assert.Equal(3, badHost.ExitCode);
        Assert.Contains("\"nocolon\" is not NAME:IP", badHost.Stderr);
    }

    [Fact]
    public async Task Create_refuses_what_run_refuses_naming_the_flags()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("create", "--rm", "--restart", "always", "--rootfs", "/", "bad", "--", "true");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--restart cannot be used with --rm", result.Stderr);
    }
}
