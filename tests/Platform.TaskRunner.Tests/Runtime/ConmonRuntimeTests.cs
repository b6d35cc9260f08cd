using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Runtime.Conmon;
using Xunit;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>Real containers: runc under conmon, with a busybox rootfs.</summary>
[SupportedOSPlatform("linux")]
public sealed class ConmonRuntimeTests : IAsyncLifetime
{
    private RuntimeScratch _scratch = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConmonRuntime Runtime => _scratch.Runtime;

    public ValueTask InitializeAsync()
    {
        _scratch = new RuntimeScratch();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _scratch.DisposeAsync();

    private async Task<ProcessExit> WaitAsync(TaskHandle task, string? execId = null, int seconds = 20)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        return await Runtime.WaitForExitAsync(task, execId, timeout.Token);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task When_a_task_exits_with_a_code_Should_record_that_code(int code)
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var pid = await _scratch.RunAsync(task, "sh", "-c", $"exit {code}");
        var exit = await WaitAsync(task);

        Assert.True(pid > 1);
        Assert.Equal(code, exit.ExitStatus);
        Assert.InRange(exit.ExitedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(exit, Runtime.ReadExit(task, null));
        Assert.Equal(RuntimeState.Stopped, await Runtime.StateAsync(task, Ct));
    }

    [Fact]
    public async Task When_a_task_is_created_Should_wait_for_start_and_report_its_pid()
    {
        Requirements.Runtime();
        var task = _scratch.Handle(runtime: "io.containerd.runc.v2");

        var pid = await Runtime.CreateAsync(_scratch.Launch(task, ["sh", "-c", "exit 0"]), Ct);

        Assert.Equal(RuntimeState.Created, await Runtime.StateAsync(task, Ct));
        Assert.True(Directory.Exists($"/proc/{pid}"));
        Assert.Null(Runtime.ReadExit(task, null));
        Assert.Equal([new TaskHandle(task.Namespace, task.ContainerId, "runc")], Runtime.ListOnDisk());
        await Runtime.StartAsync(task, Ct);
        Assert.Equal(0, (await WaitAsync(task)).ExitStatus);
    }

    [Fact]
    public async Task When_a_task_is_killed_with_SIGKILL_Should_record_137()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");
        Assert.Equal(RuntimeState.Running, await Runtime.StateAsync(task, Ct));
        Assert.Null(Runtime.ReadExit(task, null));

        await Runtime.KillAsync(task, 9, all: false, Ct);

        Assert.Equal(137, (await WaitAsync(task)).ExitStatus);
        await Runtime.KillAsync(task, 9, all: false, Ct); // already stopped: not an error
        await Runtime.KillAsync(task, 15, all: true, Ct);
    }

    [Fact]
    public async Task When_a_task_outside_a_pid_namespace_gets_SIGTERM_Should_record_143()
    {
        // pid 1 of a pid namespace ignores signals it has no handler for, so TERM only kills a process that is not an init.
        Requirements.Runtime();
        var task = _scratch.Handle();
        var spec = OciSpec.Create(_scratch.Rootfs, ["sleep", "30"], pidNamespace: false).ToJsonString();
        await Runtime.CreateAsync(new TaskLaunch(task, spec, null), Ct);
        await Runtime.StartAsync(task, Ct);

        await Runtime.KillAsync(task, 15, all: false, Ct);

        Assert.Equal(143, (await WaitAsync(task)).ExitStatus);
    }

    [Fact]
    public async Task When_a_task_writes_stdout_and_stderr_Should_log_both_in_order_and_keep_an_unended_last_line_as_is()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();

        await _scratch.RunAsync(task, "sh", "-c", "echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2; echo out3; printf tail");
        await WaitAsync(task);
        var (entries, next) = TaskLogReader.Read(Runtime.LogPath(task.Namespace, task.ContainerId, null), 0, 1 << 20);

        Assert.Equal([("stdout", "out1\n"), ("stderr", "err1\n"), ("stdout", "out2\nout3\ntail")], entries.Select(e => (e.Stream, e.Text)));
        Assert.Equal(new FileInfo(Runtime.LogPath(task.Namespace, task.ContainerId, null)).Length, next);
    }

    [Fact]
    public async Task When_a_task_is_created_again_Should_start_a_fresh_log_and_keep_logs_until_removed()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var log = Runtime.LogPath(task.Namespace, task.ContainerId, null);
        await _scratch.RunAsync(task, "echo", "first");
        await WaitAsync(task);
        await Runtime.CleanupAsync(task, Ct);
        Assert.Contains("first", File.ReadAllText(log));

        await _scratch.RunAsync(task, "echo", "second");
        await WaitAsync(task);

        Assert.Equal(["second\n"], TaskLogReader.Read(log, 0, 4096).Entries.Select(e => e.Text));
        await Runtime.CleanupAsync(task, Ct);
        Runtime.RemoveLogs(task.Namespace, task.ContainerId);
        Assert.False(File.Exists(log));
    }

    [Fact]
    public async Task When_a_process_is_executed_Should_record_its_own_exit_and_log()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");

        var pid = await Runtime.ExecAsync(task, "e1", """{"args":["sh","-c","echo from-exec $FROM_INIT; pwd; exit 5"]}""", Ct);
        var exit = await WaitAsync(task, "e1");

        Assert.True(pid > 1);
        Assert.Equal(5, exit.ExitStatus);
        var log = Runtime.LogPath(task.Namespace, task.ContainerId, "e1");
        Assert.Equal("from-exec yes\n/\n", string.Concat(TaskLogReader.Read(log, 0, 4096).Entries.Select(e => e.Text)));
        Assert.Null(Runtime.ReadExit(task, null));
        Assert.Equal(RuntimeState.Running, await Runtime.StateAsync(task, Ct));
    }

    [Fact]
    public async Task When_an_exec_process_gets_SIGTERM_Should_record_143()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");
        await Runtime.ExecAsync(task, "e1", """{"args":["sleep","30"]}""", Ct);
        Assert.Null(Runtime.ReadExit(task, "e1"));

        await Runtime.KillExecAsync(task, "e1", 15, Ct);

        Assert.Equal(143, (await WaitAsync(task, "e1")).ExitStatus);
        Assert.Null(Runtime.ReadExit(task, null));
    }

    [Fact]
    public async Task When_an_exec_process_is_malformed_or_refused_Should_fail_with_InvalidArgument()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");

        var noArgs = await Assert.ThrowsAsync<PlatformException>(() => Runtime.ExecAsync(task, "e1", """{"cwd":"/"}""", Ct));
        var notObject = await Assert.ThrowsAsync<PlatformException>(() => Runtime.ExecAsync(task, "e2", "[1]", Ct));
        var missing = await Assert.ThrowsAsync<PlatformException>(() => Runtime.ExecAsync(task, "e3", """{"args":["no-such-program"]}""", Ct));

        Assert.Equal(ErrorKind.InvalidArgument, noArgs.Kind);
        Assert.Contains("process.args", noArgs.Message);
        Assert.Equal(ErrorKind.InvalidArgument, notObject.Kind);
        Assert.Equal(ErrorKind.InvalidArgument, missing.Kind);
        Assert.Contains("no-such-program", missing.Message);
        Assert.False(Directory.Exists(Path.Combine(_scratch.RuntimeRoot, "state", task.Namespace, task.ContainerId, "exec", "e3")));
        // the id is free again after a refusal
        await Runtime.ExecAsync(task, "e3", """{"args":["true"]}""", Ct);
        Assert.Equal(0, (await WaitAsync(task, "e3")).ExitStatus);
    }

    [Fact]
    public async Task When_a_task_is_paused_and_resumed_Should_report_each_state()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");

        await Runtime.PauseAsync(task, Ct);
        Assert.Equal(RuntimeState.Paused, await Runtime.StateAsync(task, Ct));
        await Runtime.ResumeAsync(task, Ct);
        Assert.Equal(RuntimeState.Running, await Runtime.StateAsync(task, Ct));

        var error = await Assert.ThrowsAsync<PlatformException>(() => Runtime.ResumeAsync(task, Ct));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        await Runtime.PauseAsync(task, Ct);
        await Runtime.CleanupAsync(task, Ct); // a paused task goes too
        Assert.Equal(RuntimeState.Missing, await Runtime.StateAsync(task, Ct));
        Assert.Null((await WaitAsync(task)).ExitStatus); // no record left: the folder went with the cleanup
    }

    [Fact]
    public async Task When_a_task_has_children_Should_list_every_pid_ascending()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var pid = await _scratch.RunAsync(task, "sh", "-c", "sleep 30 & sleep 30 & wait");

        IReadOnlyList<int> pids = [];
        await Eventually.TrueAsync(async () => (pids = await Runtime.ListPidsAsync(task, Ct)).Count == 3, Ct);

        Assert.Contains(pid, pids);
        Assert.Equal(pids.Order(), pids);
    }

    [Fact]
    public async Task When_the_runtime_refuses_the_spec_Should_fail_with_its_message_and_leave_nothing()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var spec = OciSpec.Create(_scratch.Rootfs, ["true"]);
        spec["process"]!["cwd"] = "relative";

        var error = await Assert.ThrowsAsync<PlatformException>(() => Runtime.CreateAsync(new TaskLaunch(task, spec.ToJsonString(), null), Ct));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("Cwd must be an absolute path", error.Message);
        Assert.Empty(Runtime.ListOnDisk());
        Assert.Equal(RuntimeState.Missing, await Runtime.StateAsync(task, Ct));
        Assert.False(Directory.Exists(Path.Combine(_scratch.RuntimeRoot, "state", task.Namespace)));
        Assert.False(Directory.Exists(Path.Combine(_scratch.RuntimeRoot, "bundles", task.Namespace)));
    }

    [Theory]
    [InlineData("[1,2]", "spec is not a JSON object")]
    [InlineData("{not json", "spec is not a JSON object")]
    [InlineData("""{"process":{"args":["true"],"cwd":"/"},"root":{"path":"relative"}}""", "root.path")]
    [InlineData("""{"process":{"args":["true"],"cwd":"/"},"root":{"path":"/no/such/folder"}}""", "root.path")]
    public async Task When_the_spec_is_not_usable_Should_fail_with_InvalidArgument(string spec, string expected)
    {
        var task = _scratch.Handle();

        var error = await Assert.ThrowsAsync<PlatformException>(() => Runtime.CreateAsync(new TaskLaunch(task, spec, null), Ct));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.Empty(Runtime.ListOnDisk());
    }

    [Fact]
    public async Task When_the_runtime_is_not_installed_Should_name_the_installed_ones()
    {
        Requirements.Runtime();
        var task = _scratch.Handle(runtime: "kata");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Runtime.CreateAsync(_scratch.Launch(task, ["true"]), Ct));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("runtime 'kata' is not installed here; installed: ", error.Message);
        Assert.Contains("runc", error.Message);
        Assert.Contains("runc", Runtime.Installed);
        Assert.Empty(Runtime.ListOnDisk());
    }

    [Fact]
    public async Task When_the_rootfs_comes_as_a_read_only_bind_mount_Should_run_on_it_and_unmount_it_at_cleanup()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var spec = OciSpec.Create("ignored", ["sh", "-c", "ls /bin/busybox; touch /written"], readonlyRoot: false).ToJsonString();
        var mounts = new[] { new Mount { Type = "bind", Source = _scratch.Rootfs, Options = ["rbind", "ro"] } };

        await Runtime.CreateAsync(new TaskLaunch(task, spec, mounts), Ct);
        var rootfs = Path.Combine(_scratch.RuntimeRoot, "bundles", task.Namespace, task.ContainerId, "rootfs");
        Assert.Contains($" {rootfs} ", File.ReadAllText("/proc/self/mountinfo"));
        await Runtime.StartAsync(task, Ct);
        var exit = await WaitAsync(task);

        var log = string.Concat(TaskLogReader.Read(Runtime.LogPath(task.Namespace, task.ContainerId, null), 0, 4096).Entries.Select(e => e.Text));
        Assert.Contains("/bin/busybox\n", log);
        Assert.Contains("Read-only file system", log);
        Assert.Equal(1, exit.ExitStatus);
        await Runtime.CleanupAsync(task, Ct);
        Assert.DoesNotContain(rootfs, File.ReadAllText("/proc/self/mountinfo"));
        Assert.False(Directory.Exists(Path.Combine(_scratch.RuntimeRoot, "bundles", task.Namespace, task.ContainerId)));
        Assert.True(File.Exists(Path.Combine(_scratch.Rootfs, "bin", "busybox")));
        Assert.False(File.Exists(Path.Combine(_scratch.Rootfs, "written")));
    }

    [Fact]
    public async Task When_the_rootfs_comes_as_an_overlay_Should_write_to_its_upper_folder()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var upper = Directory.CreateDirectory(Path.Combine(_scratch.Path, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_scratch.Path, "work")).FullName;
        var spec = OciSpec.Create("ignored", ["sh", "-c", "echo hi > /written"], readonlyRoot: false).ToJsonString();
        var mounts = new[] { new Mount { Type = "overlay", Source = "overlay", Options = ["index=off", $"workdir={work}", $"upperdir={upper}", $"lowerdir={_scratch.Rootfs}"] } };

        await Runtime.CreateAsync(new TaskLaunch(task, spec, mounts), Ct);
        await Runtime.StartAsync(task, Ct);

        Assert.Equal(0, (await WaitAsync(task)).ExitStatus);
        await Runtime.CleanupAsync(task, Ct);
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(upper, "written")));
        Assert.False(File.Exists(Path.Combine(_scratch.Rootfs, "written")));
        Assert.DoesNotContain(_scratch.Path + "/r/", File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public async Task When_the_runner_restarts_while_a_task_runs_Should_still_read_its_exit()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sh", "-c", "sleep 2; exit 7");
        Runtime.Dispose(); // the runner forgets everything it held in memory

        var restarted = _scratch.NewRuntime();
        Assert.Null(restarted.ReadExit(task, null));
        Assert.Equal([task], restarted.ListOnDisk());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var exit = await restarted.WaitForExitAsync(task, null, timeout.Token);

        Assert.Equal(7, exit.ExitStatus);
    }

    [Fact]
    public async Task When_a_task_is_created_Should_leave_its_monitor_detached_from_the_runner()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");
        var monitor = int.Parse(File.ReadAllText(Path.Combine(_scratch.RuntimeRoot, "state", task.Namespace, task.ContainerId, "init", "conmon.pid")));

        // /proc/<pid>/stat after the command name: state, ppid, pgrp, session.
        var stat = File.ReadAllText($"/proc/{monitor}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var (parent, session) = (int.Parse(fields[1]), int.Parse(fields[3]));
        Assert.NotEqual(Environment.ProcessId, parent);
        Assert.Equal(monitor, session); // a session of its own: a signal to the runner's process group can't reach it
        var self = new HashSet<string>(Directory.GetFiles("/proc/self/fd").Select(TryTarget).OfType<string>().Where(t => t.StartsWith("pipe:", StringComparison.Ordinal)));
        // It holds none of our pipes, not even one this test process inherited from whoever started it.
        Assert.DoesNotContain(Directory.GetFiles($"/proc/{monitor}/fd").Select(fd => $"{fd} {TryTarget(fd)}"), t => self.Contains(t.Split(' ')[1]));

        await Runtime.KillAsync(task, 9, all: false, Ct);
        Assert.Equal(137, (await WaitAsync(task)).ExitStatus);

        static string? TryTarget(string fd)
        {
            try
            {
                return new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    [Fact]
    public async Task When_the_monitor_is_killed_Should_report_an_exit_without_a_status()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        var pid = await _scratch.RunAsync(task, "sleep", "30");
        var monitor = int.Parse(File.ReadAllText(Path.Combine(_scratch.RuntimeRoot, "state", task.Namespace, task.ContainerId, "init", "conmon.pid")));

        Process.GetProcessById(monitor).Kill();
        var exit = await WaitAsync(task);

        Assert.Null(exit.ExitStatus);
        Assert.Equal(exit.ExitStatus, Runtime.ReadExit(task, null)?.ExitStatus);
        // Measured: the container's process outlives its monitor (conmon sets no parent-death signal on it).
        Assert.True(Directory.Exists($"/proc/{pid}"));
        Assert.Equal(RuntimeState.Running, await Runtime.StateAsync(task, Ct));
        await Runtime.CleanupAsync(task, Ct);
        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), Ct,
            because: "cleanup force-deletes the container");
    }

    [Fact]
    public async Task When_a_task_is_cleaned_up_Should_leave_no_folder_and_allow_a_second_cleanup()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");

        await Runtime.CleanupAsync(task, Ct);
        await Runtime.CleanupAsync(task, Ct);

        Assert.Equal(RuntimeState.Missing, await Runtime.StateAsync(task, Ct));
        Assert.Empty(Runtime.ListOnDisk());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.RuntimeRoot, "state")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.RuntimeRoot, "s")));
        Assert.DoesNotContain(_scratch.RuntimeRoot, File.ReadAllText("/proc/self/mountinfo"));
        var missing = await Assert.ThrowsAsync<PlatformException>(() => Runtime.StartAsync(task, Ct));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task When_ten_tasks_are_created_at_once_Should_run_them_all()
    {
        Requirements.Runtime();
        var tasks = Enumerable.Range(0, 10).Select(i => _scratch.Handle($"c{i}")).ToArray();

        var pids = await Task.WhenAll(tasks.Select(t => Runtime.CreateAsync(_scratch.Launch(t, ["sh", "-c", $"exit {t.ContainerId[1..]}"]), Ct)));
        await Task.WhenAll(tasks.Select(t => Runtime.StartAsync(t, Ct)));
        var waits = tasks.SelectMany(t => Enumerable.Range(0, 10).Select(_ => WaitAsync(t, seconds: 60))).ToArray(); // 100 waits at once
        var exits = (await Task.WhenAll(waits)).Where((_, i) => i % 10 == 0).ToArray();

        Assert.Equal(10, pids.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (int?)i), exits.Select(e => e.ExitStatus));
        Assert.Equal(tasks.Select(t => t.ContainerId).Order(), Runtime.ListOnDisk().Select(t => t.ContainerId));
    }

    [Fact]
    public async Task When_a_task_exits_Should_be_noticed_without_waiting_for_the_poll()
    {
        Requirements.Runtime();
        var slowPoll = _scratch.NewRuntime(TimeSpan.FromMinutes(10));
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "sleep", "30");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var wait = slowPoll.WaitForExitAsync(task, null, timeout.Token);
        Assert.False(wait.IsCompleted);

        await Runtime.KillAsync(task, 9, all: false, Ct);

        Assert.Equal(137, (await wait).ExitStatus);
    }

    [Fact]
    public async Task When_the_task_has_exited_Should_refuse_an_exec()
    {
        Requirements.Runtime();
        var task = _scratch.Handle();
        await _scratch.RunAsync(task, "true");
        await WaitAsync(task);

        var error = await Assert.ThrowsAsync<PlatformException>(() => Runtime.ExecAsync(task, "e1", """{"args":["true"]}""", Ct));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }
}
