using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Client.Oci;
using Platform.Common.Health;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Platform.TaskRunner.Health;
using Platform.TaskRunner.Tasks.Restarts;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// Health checks run by the task runner as exec probes in real runc tasks: statuses, HealthChanged only on changes,
/// timeouts that leave no process behind, kill on unhealthy, and probes that resume after a runner restart.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_task_has_a_health_check(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TaskInfo> RunCheckedAsync(string id, HealthCheck check, params string[] args)
    {
        var client = fixture.Runc;
        var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = fixture.Namespace, Key = id, Parent = "busybox" }, Ct);
        await client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = fixture.Namespace, Id = id, Runtime = new RuntimeInfo { Name = "runc" },
            Spec = DefaultSpec.Create(new DefaultSpecOptions { Args = args, Hostname = id }),
            Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = id,
            Labels = new Dictionary<string, string> { [HealthCheck.Label] = check.ToJson() },
        }, Ct);
        await client.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        return await client.Tasks.StartAsync(id, fixture.Namespace, Ct);
    }

    private IReadOnlyList<string> Changes(string id) =>
        fixture.EventsOf<HealthChanged>(id).Select(e => $"{e.OldStatus}->{e.NewStatus}").ToList();

    private Task<TaskHealth> HealthAsync(string id) => fixture.Runc.Tasks.GetAsync(id, fixture.Namespace, Ct).ContinueWith(t => t.Result.Health!, TaskScheduler.Default);

    private async Task KillAsync(string id)
    {
        await fixture.Runc.Tasks.KillAsync(id, 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        await fixture.WaitAsync(id);
        await fixture.GoneAsync(id);
    }

    [Fact]
    public async Task Should_go_starting_unhealthy_healthy_with_one_event_per_change()
    {
        var check = new HealthCheck { Test = ["CMD-SHELL", "test -f /tmp/ok"], Interval = TimeSpan.FromMilliseconds(500), Retries = 2 };

        var started = await RunCheckedAsync("checked", check, "sleep", "120");

        Assert.Equal(HealthStatuses.Starting, started.Health!.Status);
        await Eventually.TrueAsync(() => Changes("checked").Count == 1, Ct, TimeSpan.FromSeconds(30), "two failed probes make it unhealthy");
        var unhealthy = await HealthAsync("checked");
        Assert.Equal(HealthStatuses.Unhealthy, unhealthy.Status);
        Assert.True(unhealthy.FailingStreak >= 2, $"streak {unhealthy.FailingStreak}");
        Assert.All(unhealthy.Log, p => Assert.NotEqual(0, p.ExitCode));

        await fixture.Runc.Tasks.ExecAsync("checked", "touch", """{"args":["/bin/sh","-c","echo > /tmp/ok"]}""", fixture.Namespace, Ct);
        await Eventually.TrueAsync(() => Changes("checked").Count == 2, Ct, TimeSpan.FromSeconds(30), "a successful probe makes it healthy");
        // Three more successful probes: none of them is an event.
        await Eventually.TrueAsync(async () => (await HealthAsync("checked")).Log.TakeLast(4).All(p => p.ExitCode == 0) && (await HealthAsync("checked")).Log.Count == 5,
            Ct, TimeSpan.FromSeconds(30), "probes go on while healthy");

        Assert.Equal(["starting->unhealthy", "unhealthy->healthy"], Changes("checked"));
        var healthy = await HealthAsync("checked");
        Assert.Equal((HealthStatuses.Healthy, 0), (healthy.Status, healthy.FailingStreak));
        Assert.Equal(0, fixture.EventsOf<HealthChanged>("checked")[1].Probe!.ExitCode);
        // Probes are not the task's execs: only the user's touch is, with its one TaskExecStarted.
        var task = await fixture.Runc.Tasks.GetAsync("checked", fixture.Namespace, Ct);
        Assert.Equal(["touch"], task.Execs.Select(e => e.ExecId));
        Assert.Single(fixture.EventsOf<TaskExecStarted>("checked"));
        await KillAsync("checked");
    }

    [Fact]
    public async Task Should_count_a_probe_over_its_timeout_as_a_failure_and_leave_no_process_behind()
    {
        // "; true" makes the shell fork sleep rather than exec it: killing the shell alone would leave sleep running.
        var check = new HealthCheck
        {
            Test = ["CMD-SHELL", "sleep 10; true"], Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromMilliseconds(300), Retries = 1,
        };

        var task = await RunCheckedAsync("slow-probe", check, "sleep", "120");

        await Eventually.TrueAsync(async () => (await HealthAsync("slow-probe")).Log.Count >= 3, Ct, TimeSpan.FromSeconds(30), "three probes time out");
        var health = await HealthAsync("slow-probe");
        Assert.Equal(HealthStatuses.Unhealthy, health.Status);
        Assert.All(health.Log, p => Assert.Equal(-1, p.ExitCode));
        Assert.Contains("exceeded timeout (300ms)", health.Log[0].Output);
        // At most the probe in flight now: every earlier one was killed with its sleep.
        var pids = await fixture.Runc.Tasks.ListPidsAsync("slow-probe", fixture.Namespace, Ct);
        var sleeps = pids.Count(p => p.Pid != task.Pid && CommandLine(p.Pid).StartsWith("sleep ", StringComparison.Ordinal));
        Assert.True(sleeps <= 1, $"{sleeps} probe sleeps still run");
        Assert.Equal(["starting->unhealthy"], Changes("slow-probe"));
        await KillAsync("slow-probe");
    }

    [Fact]
    public async Task Should_kill_the_task_when_it_turns_unhealthy_with_on_failure_kill()
    {
        var check = new HealthCheck { Test = ["CMD", "false"], Interval = TimeSpan.FromMilliseconds(200), Retries = 1, OnFailure = "kill" };

        await RunCheckedAsync("doomed", check, "sleep", "120");

        Assert.Equal(137, (await fixture.WaitAsync("doomed")).ExitStatus);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskExited>("doomed").Count == 1, Ct, because: "TaskExited is published");
        Assert.Equal(["starting->unhealthy"], Changes("doomed"));
        var names = fixture.TaskEvents("doomed").Select(e => e.GetType().Name).ToList();
        Assert.True(names.IndexOf(nameof(HealthChanged)) < names.IndexOf(nameof(TaskExited)), string.Join(", ", names));
        await fixture.GoneAsync("doomed");
    }

    [Fact]
    public async Task Should_restart_an_unhealthy_task_with_on_failure_restart_and_no_restart_policy()
    {
        // /dev is a tmpfs of each run: the marker that makes the probe fail is gone in the restarted task.
        var check = new HealthCheck { Test = ["CMD-SHELL", "test ! -f /dev/sick"], Interval = TimeSpan.FromMilliseconds(200), Retries = 1, OnFailure = "restart" };
        var first = await RunCheckedAsync("revived", check, "sleep", "120");

        await fixture.Runc.Tasks.ExecAsync("revived", "sicken", """{"args":["/bin/sh","-c","touch /dev/sick"]}""", fixture.Namespace, Ct);

        await Eventually.TrueAsync(() => fixture.EventsOf<TaskRestarted>("revived").Count == 1, Ct, TimeSpan.FromSeconds(30), "the unhealthy task is restarted");
        Assert.Equal(137, fixture.EventsOf<TaskExited>("revived").Single(e => string.IsNullOrEmpty(e.ExecId)).ExitStatus);
        var again = await fixture.Runc.Tasks.GetAsync("revived", fixture.Namespace, Ct);
        Assert.NotEqual(first.Pid, again.Pid);
        Assert.Equal(1, again.RestartCount);
        await Eventually.TrueAsync(async () => (await HealthAsync("revived")).Status == HealthStatuses.Healthy, Ct, TimeSpan.FromSeconds(30), "the new run is healthy");
        Assert.Equal(["starting->unhealthy", "starting->healthy"], Changes("revived"));

        // A user's kill ends it: no restart without a policy.
        await KillAsync("revived");
        Assert.Single(fixture.EventsOf<TaskRestarted>("revived"));
    }

    [Fact]
    public async Task Should_leave_a_task_that_exits_while_healthy_down_with_on_failure_restart_and_no_restart_policy()
    {
        var check = new HealthCheck { Test = ["CMD", "true"], Interval = TimeSpan.FromMilliseconds(200), Retries = 1, OnFailure = "restart" };
        await RunCheckedAsync("ends", check, "sh", "-c", "sleep 2; exit 3");

        Assert.Equal(3, (await fixture.WaitAsync("ends")).ExitStatus);
        await fixture.GoneAsync("ends");
        // The decision is written before the task is removed: supervised (for unhealthy exits), but nothing pending.
        var state = await fixture.Services.GetRequiredService<IRestartStore>().GetAsync(fixture.Namespace, "ends", Ct);
        Assert.NotNull(state);
        Assert.Null(state.RestartAt);
        Assert.Equal(0, fixture.Services.GetRequiredService<RestartSchedule>().Pending);
        Assert.Empty(fixture.EventsOf<TaskRestarted>("ends"));
    }

    [Fact]
    public async Task Should_resume_probes_after_a_runner_restart()
    {
        var check = new HealthCheck { Test = ["CMD-SHELL", "test -f /tmp/ok"], Interval = TimeSpan.FromMilliseconds(300), Retries = 1 };
        await RunCheckedAsync("resumed", check, "sleep", "120");
        await Eventually.TrueAsync(() => Changes("resumed").Count == 1, Ct, TimeSpan.FromSeconds(30), "it turns unhealthy");

        await fixture.RestartAsync();

        Assert.Equal(HealthStatuses.Unhealthy, (await HealthAsync("resumed")).Status);
        await fixture.Runc.Tasks.ExecAsync("resumed", "touch", """{"args":["/bin/sh","-c","echo > /tmp/ok"]}""", fixture.Namespace, Ct);
        await Eventually.TrueAsync(() => Changes("resumed").Count == 2, Ct, TimeSpan.FromSeconds(30), "probes resume after the restart");
        Assert.Equal(["starting->unhealthy", "unhealthy->healthy"], Changes("resumed"));
        await KillAsync("resumed");
    }

    [Fact]
    public async Task Should_leave_no_probe_behind_and_no_status_change_when_the_runner_restarts_mid_probe()
    {
        var check = new HealthCheck { Test = ["CMD-SHELL", "sleep 30; true"], Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromMinutes(1) };
        var task = await RunCheckedAsync("interrupted", check, "sleep", "120");
        var probing = 0;
        await Eventually.TrueAsync(async () => (probing = await ProbeSleepAsync("interrupted", task.Pid)) != 0, Ct, TimeSpan.FromSeconds(30), "a probe runs");

        await fixture.RestartAsync();

        await Eventually.TrueAsync(() => !Alive(probing), Ct, TimeSpan.FromSeconds(20), "the interrupted probe is killed with its sleep");
        var health = await HealthAsync("interrupted");
        Assert.Equal(HealthStatuses.Starting, health.Status);
        Assert.Empty(health.Log);
        Assert.Empty(Changes("interrupted"));
        await KillAsync("interrupted");
    }

    /// <summary>The pid of a probe's <c>sleep</c> running in the task, or 0.</summary>
    private async Task<int> ProbeSleepAsync(string id, int initPid) =>
        (await fixture.Runc.Tasks.ListPidsAsync(id, fixture.Namespace, Ct)).Select(p => p.Pid)
            .FirstOrDefault(p => p != initPid && CommandLine(p).StartsWith("sleep 30", StringComparison.Ordinal));

    [Fact]
    public async Task Should_refuse_a_malformed_health_label_and_the_probes_exec_id()
    {
        var e = await Errors.Of(ErrorKind.InvalidArgument, () => fixture.Runc.Containers.CreateAsync(new CreateContainer
        {
            Namespace = fixture.Namespace, Id = "badcheck", Runtime = new RuntimeInfo { Name = "runc" },
            Spec = DefaultSpec.Create(new DefaultSpecOptions { Args = ["true"], RootPath = "/tmp" }),
            Labels = new Dictionary<string, string> { [HealthCheck.Label] = """{"test":["CMD-SHELL","true"],"retries":-1}""" },
        }, Ct));
        Assert.Contains(HealthCheck.Label, e.Message);
        Assert.Contains("retries", e.Message);

        await fixture.RunAsync("plain", "sleep", "60");
        var exec = await Errors.Of(ErrorKind.InvalidArgument, () =>
            fixture.Runc.Tasks.ExecAsync("plain", HealthProber.ExecId, """{"args":["true"]}""", fixture.Namespace, Ct));
        Assert.Contains("reserved", exec.Message);
        Assert.Null((await fixture.Runc.Tasks.GetAsync("plain", fixture.Namespace, Ct)).Health);
        await KillAsync("plain");
    }

    /// <summary>
    /// Whether the process runs: a killed probe's child is reparented to the task's init, here a <c>sleep</c> that never
    /// reaps it, so it stays a zombie.
    /// </summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
