using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>Real containers through the bus: exit statuses, events and their order, the cleanup after an exit.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_tasks_run_to_exit(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("exit0", "true", 0)]
    [InlineData("exit3", "exit 3", 3)]
    public async Task Should_report_the_exit_status_once_then_delete_the_task(string id, string script, int status)
    {
        var created = await fixture.ContainerAsync(id, "sh", "-c", script);
        var task = await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        Assert.Equal(TaskState.Created, task.Status);
        Assert.True(task.Pid > 0);
        await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);

        var exit = await fixture.WaitAsync(id);

        Assert.Equal(status, exit.ExitStatus);
        Assert.Null(exit.ExecId);
        Assert.Equal(task.Pid, exit.Pid);
        await fixture.GoneAsync(id);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>(id).Count == 1, Ct, because: "TaskDeleted follows the exit");
        var events = fixture.TaskEvents(id);
        Assert.Equal(["TaskCreated", "TaskStarted", "TaskExited", "TaskDeleted"], events.Select(e => e.GetType().Name));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        var exited = Assert.Single(fixture.EventsOf<TaskExited>(id));
        Assert.Equal(status, exited.ExitStatus);
        Assert.Equal(task.Pid, exited.Pid);
        Assert.Equal(status, fixture.EventsOf<TaskDeleted>(id).Single().ExitStatus);
        Assert.Equal(created.Id, id);
    }

    [Fact]
    public async Task Should_answer_a_late_wait_from_the_retained_exit()
    {
        await fixture.RunAsync("late-wait", "sh", "-c", "exit 4");
        await fixture.GoneAsync("late-wait");

        var result = await fixture.Runc.Tasks.WaitOnceAsync("late-wait", TimeSpan.Zero, @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.True(result.Exited);
        Assert.Equal(4, result.Exit!.ExitStatus);
    }

    [Fact]
    public async Task Should_describe_the_last_run_as_stopped_only_when_asked_once_the_task_is_gone()
    {
        var started = await fixture.RunAsync("last-run", "sh", "-c", "exit 6");
        await fixture.GoneAsync("last-run");

        var last = await fixture.Runc.Tasks.GetLastAsync("last-run", fixture.Namespace, Ct);

        Assert.Equal((TaskState.Stopped, 6, started.Pid, "runc", false), (last.Status, last.ExitStatus, last.Pid, last.Runtime, last.OomKilled));
        Assert.Equal(started.CreatedAt, last.CreatedAt);
        // Both kept (StartedAt is when runc start returned, so a process this quick may have exited a moment before).
        Assert.NotNull(last.StartedAt);
        Assert.NotNull(last.ExitedAt);
        // The plain query still says the task is gone, and a container that never ran has nothing to show.
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.GetAsync("last-run", fixture.Namespace, Ct))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.GetLastAsync("never-ran", fixture.Namespace, Ct))).Kind);
    }

    [Fact]
    public async Task Should_report_137_for_a_task_killed_with_SIGKILL()
    {
        var task = await fixture.RunAsync("killed", "sleep", "60");
        Assert.Equal(TaskState.Running, task.Status);

        await fixture.Runc.Tasks.KillAsync("killed", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(137, (await fixture.WaitAsync("killed")).ExitStatus);
    }

    [Fact]
    public async Task Should_report_143_for_a_process_ended_by_SIGTERM()
    {
        // As pid 1 of its own pid namespace a process ignores SIGTERM unless it handles it; sharing the host's pid
        // namespace, `sleep` dies of it.
        await fixture.ContainerAsync("termed", ["sleep", "60"], spec =>
        {
            var namespaces = spec["linux"]!["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "pid"));
        });
        await fixture.Runc.Tasks.CreateAsync("termed", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync("termed", fixture.Namespace, Ct);

        await fixture.Runc.Tasks.KillAsync("termed", signal: 15, @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(143, (await fixture.WaitAsync("termed")).ExitStatus);
    }

    [Fact]
    public async Task Should_keep_stdout_and_stderr_in_the_task_log()
    {
        await fixture.RunAsync("logger", "sh", "-c", "echo one; echo two >&2; echo three");
        await fixture.WaitAsync("logger");

        var entries = new List<TaskLogEntry>();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("logger", follow: false, @namespace: fixture.Namespace, cancellationToken: Ct))
            entries.Add(entry);

        Assert.Equal("one\nthree\n", string.Concat(entries.Where(e => e.Stream == "stdout").Select(e => e.Text)));
        Assert.Equal("two\n", string.Concat(entries.Where(e => e.Stream == "stderr").Select(e => e.Text)));
    }

    [Fact]
    public async Task Should_stream_output_to_a_follower_as_it_is_written()
    {
        await fixture.ContainerAsync("follow", "sh", "-c", "echo first; sleep 1; echo second");
        await fixture.Runc.Tasks.CreateAsync("follow", fixture.Namespace, Ct);
        var seen = new List<(string Text, DateTimeOffset At)>();
        var following = Task.Run(async () =>
        {
            await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("follow", follow: true, @namespace: fixture.Namespace, cancellationToken: Ct))
                seen.Add((entry.Text, DateTimeOffset.UtcNow));
        }, Ct);
        await fixture.Runc.Tasks.StartAsync("follow", fixture.Namespace, Ct);

        await following.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("first\nsecond\n", string.Concat(seen.Select(s => s.Text)));
        Assert.True(seen.Count >= 2, "the first line should arrive before the second was written");
        Assert.True(seen[^1].At - seen[0].At > TimeSpan.FromMilliseconds(500), "the first line should be delivered a second before the last");
    }

    [Fact]
    public async Task Should_run_an_exec_process_with_its_own_exit_status_and_log_before_the_init_exit()
    {
        await fixture.RunAsync("exec", "sleep", "60");

        var exec = await fixture.Runc.Tasks.ExecAsync("exec", "probe", """{"args":["sh","-c","echo from-exec; exit 5"]}""", fixture.Namespace, Ct);

        Assert.True(exec.Pid > 0);
        Assert.Equal(5, (await fixture.WaitAsync("exec", "probe")).ExitStatus);
        var output = new List<TaskLogEntry>();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("exec", follow: true, execId: "probe", @namespace: fixture.Namespace, cancellationToken: Ct))
            output.Add(entry);
        Assert.Equal("from-exec\n", string.Concat(output.Select(e => e.Text)));
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskExecStarted>("exec").Any(e => e.ExecId == "probe" && e.Pid == exec.Pid), Ct);

        await fixture.Runc.Tasks.ExecAsync("exec", "long", """{"args":["sleep","60"]}""", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.KillAsync("exec", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        await fixture.WaitAsync("exec");
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("exec").Count == 1, Ct);
        var exits = fixture.EventsOf<TaskExited>("exec");
        Assert.Equal([(string?)"probe", "long", null], exits.Select(e => e.ExecId));
        Assert.Equal(exits.Select(e => e.Sequence).Order(), exits.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Should_pause_and_resume_a_running_task()
    {
        await fixture.RunAsync("freeze", "sleep", "60");

        var paused = await fixture.Runc.Tasks.PauseAsync("freeze", fixture.Namespace, Ct);
        Assert.Equal(TaskState.Paused, paused.Status);
        Assert.Equal(TaskState.Paused, (await fixture.Runc.Tasks.GetAsync("freeze", fixture.Namespace, Ct)).Status);
        var refused = await Errors.Of(ErrorKind.FailedPrecondition, () => fixture.Runc.Tasks.ExecAsync("freeze", "x", """{"args":["true"]}""", fixture.Namespace, Ct));
        Assert.Contains("paused", refused.Message);

        var resumed = await fixture.Runc.Tasks.ResumeAsync("freeze", fixture.Namespace, Ct);
        Assert.Equal(TaskState.Running, resumed.Status);
        var pids = await fixture.Runc.Tasks.ListPidsAsync("freeze", fixture.Namespace, Ct);
        Assert.Contains(pids, p => p.Pid == resumed.Pid);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskResumed>("freeze").Count == 1 && fixture.EventsOf<TaskPaused>("freeze").Count == 1, Ct);
        await fixture.Runc.Tasks.DeleteAsync("freeze", force: true, fixture.Namespace, Ct);
    }

    [Fact]
    public async Task Should_refuse_illegal_transitions_naming_the_state()
    {
        await fixture.ContainerAsync("illegal", "sleep", "60");
        await fixture.Runc.Tasks.CreateAsync("illegal", fixture.Namespace, Ct);

        Assert.Contains("created", (await Errors.Of(ErrorKind.FailedPrecondition, () => fixture.Runc.Tasks.PauseAsync("illegal", fixture.Namespace, Ct))).Message);
        await fixture.Runc.Tasks.StartAsync("illegal", fixture.Namespace, Ct);
        Assert.Contains("running", (await Errors.Of(ErrorKind.FailedPrecondition, () => fixture.Runc.Tasks.StartAsync("illegal", fixture.Namespace, Ct))).Message);
        Assert.Contains("running", (await Errors.Of(ErrorKind.FailedPrecondition, () => fixture.Runc.Tasks.DeleteAsync("illegal", false, fixture.Namespace, Ct))).Message);
        await Errors.Of(ErrorKind.AlreadyExists, () => fixture.Runc.Tasks.CreateAsync("illegal", fixture.Namespace, Ct));
        await Errors.Of(ErrorKind.InvalidArgument, () => fixture.Runc.Tasks.KillAsync("illegal", signal: 99, @namespace: fixture.Namespace, cancellationToken: Ct));

        var deleted = await fixture.Runc.Tasks.DeleteAsync("illegal", force: true, fixture.Namespace, Ct);
        Assert.Equal(137, deleted.Exit?.ExitStatus);
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("illegal", fixture.Namespace, Ct));
    }

    [Fact]
    public async Task Should_delete_a_created_task_without_reporting_an_exit()
    {
        await fixture.ContainerAsync("never-started", "true");
        await fixture.Runc.Tasks.CreateAsync("never-started", fixture.Namespace, Ct);

        var deleted = await fixture.Runc.Tasks.DeleteAsync("never-started", false, fixture.Namespace, Ct);

        Assert.Null(deleted.Exit);
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>("never-started").Count == 1, Ct);
        Assert.Empty(fixture.EventsOf<TaskExited>("never-started"));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "state", fixture.Namespace, "never-started")));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "bundles", fixture.Namespace, "never-started")));
    }

    [Fact]
    public async Task Should_refuse_a_spec_runc_rejects_with_its_message_and_keep_nothing()
    {
        await fixture.ContainerAsync("bad-spec", ["true"], spec => spec["process"]!["cwd"] = "relative/dir");

        var error = await Errors.Of(ErrorKind.InvalidArgument, () => fixture.Runc.Tasks.CreateAsync("bad-spec", fixture.Namespace, Ct));

        Assert.Contains("absolute", error.Message, StringComparison.OrdinalIgnoreCase);
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("bad-spec", fixture.Namespace, Ct));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "state", fixture.Namespace, "bad-spec")));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "bundles", fixture.Namespace, "bad-spec")));
        // The failed create released the task's hold: deleting the container lets the snapshot go.
        await fixture.Runc.Containers.DeleteAsync("bad-spec", @namespace: fixture.Namespace, cancellationToken: Ct);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await fixture.Client.Snapshots.StatAsync("bad-spec", @namespace: fixture.Namespace, cancellationToken: Ct);
                return false;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return true;
            }
        }, Ct, TimeSpan.FromSeconds(20), "the snapshot should be collected");
    }

    [Fact]
    public async Task Should_refuse_a_runtime_that_is_not_installed_naming_those_that_are()
    {
        await fixture.ContainerAsync("odd-runtime", ["true"], null, runtime: "kata");

        var error = await Errors.Of(ErrorKind.InvalidArgument, () => fixture.Runc.Tasks.CreateAsync("odd-runtime", fixture.Namespace, Ct));

        Assert.Contains("kata", error.Message);
        Assert.Contains("runc", error.Message);
    }

    [Fact]
    public async Task Should_run_20_tasks_started_at_once()
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"many-{i:00}").ToList();
        await Task.WhenAll(ids.Select(id => fixture.ContainerAsync(id, "sh", "-c", $"echo {id}")));

        await Task.WhenAll(ids.Select(async id =>
        {
            await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
            await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);
        }));

        var exits = await Task.WhenAll(ids.Select(id => fixture.WaitAsync(id)));
        Assert.All(exits, e => Assert.Equal(0, e.ExitStatus));
        await Task.WhenAll(ids.Select(fixture.GoneAsync));
        // Events travel after the store changed: wait for each task's last one before counting its exits.
        await Eventually.TrueAsync(() => ids.All(id => fixture.EventsOf<TaskDeleted>(id).Count == 1), Ct, because: "every task's TaskDeleted arrives");
        Assert.All(ids, id => Assert.Single(fixture.EventsOf<TaskExited>(id)));
    }

    [Fact]
    public async Task Should_create_tasks_while_others_of_the_namespace_are_cleaned_up()
    {
        // Four clients each running short tasks back to back: creates meet the cleanups of finished tasks, which
        // once removed the namespace's parent cgroup under a create that had just made it.
        var ids = Enumerable.Range(0, 40).Select(i => $"churn-{i:00}").ToList();
        await Task.WhenAll(ids.Select(id => fixture.ContainerAsync(id, "true")));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(async client =>
        {
            foreach (var id in ids.Where((_, i) => i % 4 == client))
            {
                await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
                await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);
                Assert.Equal(0, (await fixture.WaitAsync(id)).ExitStatus);
            }
        }));

        await Task.WhenAll(ids.Select(fixture.GoneAsync));
    }

    [Fact]
    public async Task Should_answer_a_wait_while_many_followers_are_held()
    {
        await fixture.RunAsync("watched", "sleep", "60");
        await fixture.RunAsync("finished", "true");
        await fixture.WaitAsync("finished");
        // More held waits than the bus-wide per-queue limit (32): they must not keep a quick question waiting.
        var held = Enumerable.Range(0, 48)
            .Select(_ => fixture.Runc.Tasks.WaitOnceAsync("watched", TimeSpan.FromSeconds(20), @namespace: fixture.Namespace, cancellationToken: Ct))
            .ToList();
        await Task.Delay(500, Ct); // let them reach the runner and be held

        using var quick = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        quick.CancelAfter(TimeSpan.FromSeconds(10));
        var answer = await fixture.Runc.Tasks.WaitOnceAsync("finished", TimeSpan.Zero, @namespace: fixture.Namespace, cancellationToken: quick.Token);

        Assert.True(answer.Exited);
        await fixture.Runc.Tasks.KillAsync("watched", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.All(await Task.WhenAll(held), r => Assert.Equal(137, r.Exit?.ExitStatus));
    }

    [Fact]
    public async Task Should_list_tasks_with_filters()
    {
        await fixture.RunAsync("listed-a", "sleep", "60");
        await fixture.ContainerAsync("listed-b", "sleep", "60");
        await fixture.Runc.Tasks.CreateAsync("listed-b", fixture.Namespace, Ct);

        var running = await fixture.Runc.Tasks.ListAsync(["status==running,id~=^listed-"], fixture.Namespace, Ct);
        var created = await fixture.Runc.Tasks.ListAsync(["status==created,id~=^listed-"], fixture.Namespace, Ct);

        Assert.Equal(["listed-a"], running.Select(t => t.ContainerId));
        Assert.Equal(["listed-b"], created.Select(t => t.ContainerId));
        await fixture.Runc.Tasks.DeleteAsync("listed-a", true, fixture.Namespace, Ct);
        await fixture.Runc.Tasks.DeleteAsync("listed-b", true, fixture.Namespace, Ct);
    }
}
