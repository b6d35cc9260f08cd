using System.Runtime.Versioning;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>run</c> with resource flags against real containers (runc, conmon, busybox-static; root): the limits reach the
/// task's cgroup, as the host's cgroup files show, and the rlimits and capabilities reach its process.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_runs_a_task_with_limits(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    private string Rootfs() => BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));

    [Fact]
    public async Task Memory_cpu_and_pids_limits_reach_the_tasks_cgroup()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "--memory", "64m", "--memory-swap", "96m", "--cpus", "1.5",
            "--cpu-shares", "512", "--pids-limit", "50", "limited", "--", "sleep", "600");
        try
        {
            var cgroup = HostCgroup.Of(ctl.Namespace, "limited");
            Assert.Equal(64L << 20, cgroup.MemoryLimit());
            Assert.Equal(96L << 20, cgroup.MemorySwapLimit());
            Assert.Equal((150000L, 100000L), cgroup.CpuQuotaAndPeriod());
            Assert.Equal(512L, cgroup.CpuShares());
            Assert.Equal("50", cgroup.PidsMax());
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "limited", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "limited");
        }
    }

    [Fact]
    public async Task Ulimits_and_capabilities_reach_the_process()
    {
        var ctl = Ctl();

        var output = (await OkAsync(ctl, "run", "--rm", "--rootfs", Rootfs(), "--ulimit", "nofile=1024:2048", "--cap-drop", "ALL", "--cap-add", "chown",
            "capped", "--", "sh", "-c", "grep 'open files' /proc/self/limits | tr -s ' '; grep CapBnd /proc/self/status")).Stdout;

        Assert.Contains("Max open files 1024 2048 files", output);
        Assert.Matches(@"(?m)^CapBnd:\s+0000000000000001$", output);
    }

    [Fact]
    public async Task A_task_over_its_memory_limit_exits_137_and_wait_says_it_was_oom_killed()
    {
        var ctl = Ctl();

        var run = await ctl.RunAsync("run", "--rootfs", Rootfs(), "--memory", "8m", "hungry", "--", "sh", "-c", "x=a; while true; do x=$x$x; done");

        Assert.True(run.ExitCode == 137, run.ToString());
        // The task is gone; tasks wait answers from the retained exit.
        var exit = Output.Json((await OkAsync(ctl, "-o", "json", "tasks", "wait", "hungry")).Stdout);
        Assert.Equal(137, exit.GetProperty("exitStatus").GetInt32());
        Assert.True(exit.GetProperty("oomKilled").GetBoolean());
    }

    [Fact]
    public async Task Tasks_update_changes_a_running_tasks_limits_and_tasks_get_shows_them()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "--memory", "64m", "resized", "--", "sleep", "600");
        try
        {
            await OkAsync(ctl, "tasks", "update", "resized", "--memory", "32m", "--cpus", "0.5", "--pids-limit", "20");

            var cgroup = HostCgroup.Of(ctl.Namespace, "resized");
            Assert.Equal(32L << 20, cgroup.MemoryLimit());
            Assert.Equal((50000L, 100000L), cgroup.CpuQuotaAndPeriod());
            Assert.Equal("20", cgroup.PidsMax());
            var resources = Output.Json((await OkAsync(ctl, "-o", "json", "tasks", "get", "resized")).Stdout).GetProperty("resources");
            Assert.Equal(32L << 20, resources.GetProperty("memoryBytes").GetInt64());
            Assert.Equal(20, resources.GetProperty("pidsLimit").GetInt64());
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "resized", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "resized");
        }
    }

    public void Dispose() => _scratch.Dispose();
}
