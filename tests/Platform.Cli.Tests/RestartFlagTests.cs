using System.Runtime.Versioning;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>run --restart</c>: docker's grammar checked before anything reaches the broker, refused with <c>--rm</c>.</summary>
public sealed class When_run_is_given_a_restart_flag
{
    [Theory]
    [InlineData("sometimes")]
    [InlineData("on-failure:0")]
    [InlineData("on-failure:x")]
    public async Task A_bad_policy_exits_3_naming_the_flag_and_the_grammar(string value)
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "-d", "--rootfs", "/", "--restart", value, "web", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal($"error: InvalidArgument: --restart: \"{value}\" is not a restart policy; expected no, on-failure[:N] (N a positive integer), always or unless-stopped\n",
            result.Stderr);
    }

    [Fact]
    public async Task Restart_with_rm_exits_2_saying_they_conflict()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "--rm", "--restart", "always", "--rootfs", "/", "web", "--", "true");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--restart cannot be used with --rm", result.Stderr);
    }

    [Fact]
    public void The_flag_takes_its_value_so_the_command_starts_after_the_image() =>
        Assert.Equal(["run", "-d", "--restart", "always", "busybox", "--", "sh", "-c", "x"],
            Platform.Cli.Commands.Run.RunArguments.Normalize(["run", "-d", "--restart", "always", "busybox", "sh", "-c", "x"]));
}

/// <summary><c>run -d --restart</c> against real containers: the policy lands on the container and the runner follows it.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_runs_a_task_with_a_restart_policy(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task On_failure_restarts_twice_and_the_container_shows_the_count()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var rootfs = BusyboxRootfs.Create(_scratch.Folder("rootfs"));

        await OkAsync(ctl, "run", "-d", "--restart", "on-failure:2", "--rootfs", rootfs, "flaky", "--", "sh", "-c", "exit 1");

        await Eventually.TrueAsync(async () =>
        {
            var labels = Output.Map(Output.Json((await OkAsync(ctl, "-o", "json", "containers", "get", "flaky")).Stdout).GetProperty("labels"));
            return labels.GetValueOrDefault("platform.io/restart.count") == "2";
        }, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(30), "the container should show 2 restarts");
        var container = Output.Json((await OkAsync(ctl, "-o", "json", "containers", "get", "flaky")).Stdout);
        Assert.Equal("on-failure:2", Output.Map(container.GetProperty("labels"))["platform.io/restart.policy"]);
    }

    [Fact]
    public async Task Always_restarts_and_tasks_get_shows_the_count_until_a_kill_ends_it()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var rootfs = BusyboxRootfs.Create(_scratch.Folder("rootfs-always"));

        // The first run leaves a marker in the rootfs and exits; the restarted one stays up.
        await OkAsync(ctl, "run", "-d", "--restart", "always", "--rootfs", rootfs, "phoenix", "--",
            "sh", "-c", "if [ -e /ran-before ]; then exec sleep 600; fi; touch /ran-before; exit 3");

        await Eventually.TrueAsync(async () =>
        {
            var result = await ctl.RunAsync("tasks", "get", "phoenix");
            return result.ExitCode == 0 && Output.Block(result.Stdout)["Restarts"] == "1" && Output.Block(result.Stdout)["Status"] == "running";
        }, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(30), "tasks get should show the restarted task");
        Assert.Equal(1, Output.Json((await OkAsync(ctl, "-o", "json", "tasks", "get", "phoenix")).Stdout).GetProperty("restartCount").GetInt32());

        await OkAsync(ctl, "tasks", "kill", "phoenix", "--signal", "KILL");
        Assert.Equal("137", (await OkAsync(ctl, "tasks", "wait", "phoenix")).Stdout.Trim());
        // Once deleted, tasks get shows the last run as stopped (a restarted task would be running).
        await Eventually.TrueAsync(async () => Output.Block((await OkAsync(ctl, "tasks", "get", "phoenix")).Stdout)["Status"] == "stopped",
            TestContext.Current.CancellationToken, TimeSpan.FromSeconds(30), "the killed task should be deleted, not restarted");
    }
}
