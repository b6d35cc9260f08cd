using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>run</c> and <c>tasks</c> against real containers (runc, conmon and busybox-static; root). They need the
/// fixture to run the task runner next to the other services.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_runs_tasks(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    /// <summary>A busybox folder, to run on in place with --rootfs.</summary>
    private string Rootfs() => BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>Busybox imported as the committed snapshot <c>busybox</c> of the namespace.</summary>
    private async Task ImportBusyboxAsync(PlatformCtl ctl) =>
        await OkAsync(ctl, "snapshots", "import", "busybox", "--from", Rootfs());

    /// <summary>The row of <paramref name="id"/> in <c>tasks ls</c>: CONTAINER PID STATUS RUNTIME EXIT.</summary>
    private static async Task<string[]?> RowAsync(PlatformCtl ctl, string id) =>
        Output.Table((await OkAsync(ctl, "tasks", "ls")).Stdout, "CONTAINER", "PID", "STATUS", "RUNTIME", "EXIT")
            .SingleOrDefault(r => r[0] == id);

    /// <summary>Kills and waits for a detached task, then removes it and its container.</summary>
    private static async Task KillAndRemoveAsync(PlatformCtl ctl, string id)
    {
        await OkAsync(ctl, "tasks", "kill", id, "--signal", "KILL");
        await OkAsync(ctl, "tasks", "wait", id);
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "rm", id)).ExitCode == 0, Ct,
            because: "the container should be removable once its task has exited");
    }

    [Fact]
    public async Task Run_rm_on_a_snapshot_prints_the_output_exits_with_the_status_and_leaves_nothing()
    {
        var ctl = Ctl();
        await ImportBusyboxAsync(ctl);

        var result = await ctl.RunAsync("run", "--rm", "--snapshot", "busybox", "hello", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("hi\n", result.Stdout);
        Assert.Contains("oops\n", result.Stderr);
        var get = await ctl.RunAsync("containers", "get", "hello");
        Assert.Equal(4, get.ExitCode);
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("snapshots", "stat", "hello-rootfs")).ExitCode == 4, Ct,
            within: TimeSpan.FromSeconds(30), because: "the prepared snapshot should be collected once the container is gone");
        Assert.Empty((await OkAsync(ctl, "leases", "ls", "-o", "json")).Stdout.Trim().Trim('[', ']').Trim());
        // The named import is a root: it outlives the containers made from it, so a second run works...
        Assert.Contains("root label platform.io/gc.root", (await OkAsync(ctl, "gc", "explain", "snapshots/busybox")).Stdout);
        var again = await ctl.RunAsync("run", "--rm", "--snapshot", "busybox", "hello-again", "--", "echo", "again");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("again\n", again.Stdout);
        // ...until the user removes it by name.
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("snapshots", "rm", "busybox")).ExitCode == 0, Ct,
            within: TimeSpan.FromSeconds(30), because: "busybox can be removed once hello-again-rootfs is gone");
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "busybox")).ExitCode);
    }

    [Fact]
    public async Task A_detached_run_with_rm_leaves_nothing_once_its_task_exits()
    {
        var ctl = Ctl();
        await ImportBusyboxAsync(ctl);

        // The task waits for a file, so the container is certainly there before it exits.
        var started = await OkAsync(ctl, "run", "-d", "--rm", "--snapshot", "busybox", "brief", "--",
            "sh", "-c", "while [ ! -f /tmp/go ]; do sleep 0.1; done");

        Assert.Equal("brief\n", started.Stdout);
        var container = Output.Block((await OkAsync(ctl, "containers", "get", "brief")).Stdout);
        Assert.Contains("platform.io/auto-remove=true", container["Labels"]);
        await OkAsync(ctl, "tasks", "exec", "brief", "--", "sh", "-c", "echo > /tmp/go");
        // No one waits for the task: the metadata service removes the container after the task is deleted.
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "get", "brief")).ExitCode == 4, Ct,
            within: TimeSpan.FromSeconds(30), because: "the container of a --rm run goes once its task exits");
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("snapshots", "stat", "brief-rootfs")).ExitCode == 4, Ct,
            within: TimeSpan.FromSeconds(30), because: "and its snapshot with it");
    }

    [Fact]
    public async Task Run_without_rm_keeps_the_container_which_can_run_again_after_its_task_is_gone()
    {
        var ctl = Ctl();
        var rootfs = Rootfs();

        var first = await ctl.RunAsync("run", "--rootfs", rootfs, "--env", "WHO=world", "greeter", "--", "sh", "-c", "echo hello $WHO");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("hello world\n", first.Stdout);
        Assert.Equal(0, (await ctl.RunAsync("containers", "get", "greeter")).ExitCode);
        var again = await ctl.RunAsync("run", "--rootfs", rootfs, "greeter", "--", "true");
        Assert.Equal(5, again.ExitCode);
        Assert.StartsWith("error: AlreadyExists: ", again.Stderr);
        await OkAsync(ctl, "containers", "rm", "greeter");
    }

    [Fact]
    public async Task A_detached_run_is_listed_as_running_and_killing_it_makes_wait_print_137()
    {
        var ctl = Ctl();

        var started = await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "sleeper", "--", "sleep", "600");

        Assert.Equal("sleeper\n", started.Stdout);
        var row = await RowAsync(ctl, "sleeper");
        Assert.NotNull(row);
        Assert.Equal("running", row[2]);
        Assert.Equal("runc", row[3]);
        Assert.Equal("-", row[4]);
        Assert.True(int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture) > 0);
        var block = Output.Block((await OkAsync(ctl, "tasks", "get", "sleeper")).Stdout);
        Assert.Equal(("sleeper", "running"), (block["Container"], block["Status"]));
        var pids = Output.Table((await OkAsync(ctl, "tasks", "ps", "sleeper")).Stdout, "PID", "EXEC");
        Assert.Contains(pids, p => p[0] == row[1]);

        await OkAsync(ctl, "tasks", "kill", "sleeper", "--signal", "KILL");
        var waited = await OkAsync(ctl, "tasks", "wait", "sleeper");

        Assert.Equal("137\n", waited.Stdout);
        var json = Output.Json((await OkAsync(ctl, "tasks", "wait", "sleeper", "-o", "json")).Stdout);
        Assert.Equal(["exitStatus", "exitedAt", "oomKilled"], Output.PropertyNames(json));
        Assert.Equal(137, json.GetProperty("exitStatus").GetInt32());
        Assert.False(json.GetProperty("oomKilled").GetBoolean()); // a SIGKILL is not an OOM kill
        // Once the task is gone, `tasks get` shows its last run.
        await Eventually.TrueAsync(async () => await RowAsync(ctl, "sleeper") is null, Ct, because: "the exited task is deleted");
        var last = Output.Block((await OkAsync(ctl, "tasks", "get", "sleeper")).Stdout);
        Assert.Equal(("stopped", "137", "no", row[1]), (last["Status"], last["Exit status"], last["OOM killed"], last["PID"]));
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "rm", "sleeper")).ExitCode == 0, Ct);
    }

    [Fact]
    public async Task Exec_prints_the_process_output_and_exits_with_its_status()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "box", "--", "sleep", "600");

        var result = await ctl.RunAsync("tasks", "exec", "box", "--", "sh", "-c", "echo x; echo y >&2; exit 5");

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal("x\n", result.Stdout);
        Assert.Equal("y\n", result.Stderr);
        var named = await ctl.RunAsync("tasks", "exec", "box", "--exec-id", "pwd1", "--cwd", "/tmp", "--env", "A=b", "--", "sh", "-c", "pwd; echo $A");
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal("/tmp\nb\n", named.Stdout);
        Assert.Equal("0\n", (await OkAsync(ctl, "tasks", "wait", "box", "--exec-id", "pwd1")).Stdout);
        await KillAndRemoveAsync(ctl, "box");
    }

    [Fact]
    public async Task Logs_print_what_the_task_wrote_and_follow_ends_when_it_exits()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "talker", "--", "sh", "-c", "echo out; echo err >&2; exec sleep 600");

        await Eventually.TrueAsync(async () => (await ctl.RunAsync("tasks", "logs", "talker")).Stdout == "out\n", Ct,
            because: "the task's output should be in its log");
        var logs = await OkAsync(ctl, "tasks", "logs", "talker");
        Assert.Equal(("out\n", "err\n"), (logs.Stdout, logs.Stderr));

        var stdout = new SharedOutput();
        var stderr = new SharedOutput();
        var following = ctl.Start(stdout, stderr, Ct, "tasks", "logs", "talker", "--follow");
        await Eventually.TrueAsync(() => stdout.ToString() == "out\n", Ct, because: "a follower prints what was written before it");
        Assert.False(following.IsCompleted);
        await OkAsync(ctl, "tasks", "kill", "talker", "--signal", "9");

        Assert.Equal(0, await following.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(("out\n", "err\n"), (stdout.ToString(), stderr.ToString()));
        await OkAsync(ctl, "tasks", "wait", "talker");
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "rm", "talker")).ExitCode == 0, Ct);
    }

    [Fact]
    public async Task Pause_and_resume_show_in_the_list()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "freezer", "--", "sleep", "600");

        await OkAsync(ctl, "tasks", "pause", "freezer");
        Assert.Equal("paused", (await RowAsync(ctl, "freezer"))![2]);
        Assert.Equal("paused", Output.Json((await OkAsync(ctl, "tasks", "ls", "-o", "json", "--filter", "status==paused")).Stdout)[0]
            .GetProperty("status").GetString());

        await OkAsync(ctl, "tasks", "resume", "freezer");
        Assert.Equal("running", (await RowAsync(ctl, "freezer"))![2]);
        await KillAndRemoveAsync(ctl, "freezer");
    }

    [Fact]
    public async Task Ctrl_c_sends_sigint_to_the_task_and_run_exits_with_its_status()
    {
        var ctl = Ctl();
        var signals = new ConsoleSignals();
        var stdout = new SharedOutput();
        var stderr = new SharedOutput();

        var running = ctl.StartWithSignals(stdout, stderr, signals, Ct, "run", "--rm", "--rootfs", Rootfs(), "trapper", "--",
            "sh", "-c", "trap 'echo interrupted; exit 7' INT; echo ready; while true; do sleep 1; done");
        await Eventually.TrueAsync(() => stdout.ToString() == "ready\n" || running.IsCompleted, Ct, within: TimeSpan.FromSeconds(30));
        Assert.False(running.IsCompleted, stderr.ToString());

        Assert.True(signals.Raise(PosixSignal.SIGINT));

        Assert.Equal(7, await running.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("ready\ninterrupted\n", stdout.ToString());
        Assert.False(signals.Raise(PosixSignal.SIGINT), "the run gives the signals back when it ends");
    }

    [Fact]
    public async Task A_second_ctrl_c_kills_a_task_that_ignores_the_first()
    {
        var ctl = Ctl();
        var signals = new ConsoleSignals();
        var stdout = new SharedOutput();
        var stderr = new SharedOutput();

        // Pid 1 of a pid namespace ignores SIGINT it has no handler for.
        var running = ctl.StartWithSignals(stdout, stderr, signals, Ct, "run", "--rm", "--rootfs", Rootfs(), "stubborn", "--",
            "sh", "-c", "echo ready; exec sleep 600");
        await Eventually.TrueAsync(() => stdout.ToString() == "ready\n" || running.IsCompleted, Ct, within: TimeSpan.FromSeconds(30));
        Assert.True(signals.Raise(PosixSignal.SIGINT));
        await Eventually.TrueAsync(() => stderr.ToString().Contains("sent SIGINT"), Ct);
        Assert.False(running.IsCompleted);

        Assert.True(signals.Raise(PosixSignal.SIGINT));

        Assert.Equal(137, await running.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Running_on_a_taken_id_exits_5_and_on_a_missing_snapshot_exits_4()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "--rootfs", Rootfs(), "taken", "--", "true");

        var taken = await ctl.RunAsync("run", "--rm", "--rootfs", Rootfs(), "taken", "--", "true");
        var missing = await ctl.RunAsync("run", "--rm", "--snapshot", "no-such-image", "fresh", "--", "true");

        Assert.Equal((5, ""), (taken.ExitCode, taken.Stdout));
        Assert.Equal(0, (await ctl.RunAsync("containers", "get", "taken")).ExitCode);
        Assert.Equal((4, ""), (missing.ExitCode, missing.Stdout));
        Assert.Equal(4, (await ctl.RunAsync("containers", "get", "fresh")).ExitCode);
    }

    public void Dispose() => _scratch.Dispose();
}
