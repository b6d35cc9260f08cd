using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Store;
using Xunit;
using static Platform.TaskRunner.Tests.Store.TaskSamples;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>
/// What every <see cref="ITaskStore"/> must do, whatever the database: each subclass opens a fresh, empty store per
/// test. The outbox assertions hold for the store's <see cref="IOutboxStore"/> side, which the relay reads.
/// </summary>
public abstract class TaskStoreContract : IAsyncLifetime
{
    protected const string Ns = "team-ns";

    private ITaskStore? _store;

    protected ITaskStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected IOutboxStore Outbox => Assert.IsAssignableFrom<IOutboxStore>(Store);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The signal the subclass hands its store, so the tests can see when the relay would be woken.</summary>
    protected OutboxSignal Signal { get; } = new();

    /// <summary>Opens a new, empty store (not yet initialised). May skip the test when its server is not configured.</summary>
    protected abstract ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken);

    /// <summary>Closes the store and removes everything it wrote.</summary>
    protected abstract ValueTask CloseStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync(Ct);
        var initializable = Assert.IsAssignableFrom<IInitializableStore>(_store);
        Assert.Equal("tasks", initializable.Name);
        await initializable.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStoreAsync();
        GC.SuppressFinalize(this);
    }

    // ---- helpers: events as the service makes them ----

    private static EventFactory Created(TaskRecord t) => seq => new TaskCreated
    {
        EventId = Guid.NewGuid(), Timestamp = t.CreatedAt, Namespace = t.Namespace, Sequence = seq,
        ContainerId = t.ContainerId, Pid = t.Pid, Runtime = t.Runtime, SnapshotKey = t.SnapshotKey,
    };

    private static EventFactory StartedEvent(TaskRecord t) => seq => new TaskStarted
    {
        EventId = Guid.NewGuid(), Timestamp = Epoch, Namespace = t.Namespace, Sequence = seq, ContainerId = t.ContainerId, Pid = t.Pid,
    };

    private static EventFactory ExitedEvent(ExitRecord e) => seq => new TaskExited
    {
        EventId = Guid.NewGuid(), Timestamp = e.ExitedAt, Namespace = e.Namespace, Sequence = seq,
        ContainerId = e.ContainerId, ExecId = e.ExecId, Pid = e.Pid, ExitStatus = e.ExitStatus, ExitedAt = e.ExitedAt,
    };

    private static EventFactory DeletedEvent(string @namespace, string containerId) => seq => new TaskDeleted
    {
        EventId = Guid.NewGuid(), Timestamp = Epoch, Namespace = @namespace, Sequence = seq, ContainerId = containerId, Pid = 0,
    };

    private Task CreateAsync(TaskRecord t) => Store.CreateAsync(t, Created(t), Ct);

    private Task<bool> StartAsync(TaskRecord next) => Store.UpdateAsync(next, next.Version - 1, StartedEvent(next), Ct);

    private Task<bool> RecordExitAsync(TaskRecord next, ExitRecord exit) => Store.RecordExitAsync(next, next.Version - 1, exit, ExitedEvent(exit), Ct);

    private Task<bool> DeleteAsync(string @namespace, string containerId, long expectedVersion) =>
        Store.DeleteAsync(@namespace, containerId, expectedVersion, DeletedEvent(@namespace, containerId), Ct);

    // As the runner keeps them: with the task's runtime and times, so a stopped task can still be described.
    private static ExitRecord InitExit(TaskRecord t, int? status, DateTimeOffset at) =>
        new(t.Namespace, t.ContainerId, null, t.Pid, status, at, false, t.Runtime, t.CreatedAt, t.StartedAt);

    private async Task<IReadOnlyList<IPlatformEvent>> PendingEventsAsync()
    {
        var records = await Outbox.ReadPendingAsync(1000, Ct);
        return [.. records.Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)];
    }

    /// <summary>A running task at version 2, its created and started events written.</summary>
    private async Task<TaskRecord> RunningAsync(string @namespace, string containerId, int pid = 100)
    {
        var created = Minimal(@namespace, containerId);
        await CreateAsync(created);
        var running = Started(created, pid);
        Assert.True(await StartAsync(running));
        return running;
    }

    // ---- round trip ----

    [Fact]
    public async Task When_a_task_with_every_field_is_created_Should_read_it_back_exactly()
    {
        var task = Full(Ns, "web-1");

        await CreateAsync(task);

        TaskAssert.Same(task, await Store.GetAsync(Ns, "web-1", Ct));
    }

    [Fact]
    public async Task When_times_carry_an_offset_Should_read_back_the_same_instants_in_utc()
    {
        var plusTwo = TimeSpan.FromHours(2);
        var task = Full(Ns, "web-1") with
        {
            CreatedAt = Epoch.ToOffset(plusTwo),
            StartedAt = Epoch.AddTicks(11).ToOffset(plusTwo),
            ExitedAt = Epoch.AddTicks(13).ToOffset(plusTwo),
        };

        await CreateAsync(task);

        var read = await Store.GetAsync(Ns, "web-1", Ct);
        TaskAssert.Same(task, read);
        Assert.Equal(Epoch.UtcTicks + 11, read!.StartedAt!.Value.UtcTicks);
        Assert.Equal(TimeSpan.Zero, read.StartedAt.Value.Offset);
        Assert.Equal(TimeSpan.Zero, read.ExitedAt!.Value.Offset);
    }

    [Fact]
    public async Task When_a_task_has_a_health_check_Should_read_back_the_check_and_its_health_after_updates()
    {
        var probe = new HealthProbe { Start = Epoch, End = Epoch.AddMilliseconds(12), ExitCode = 1, Output = "not yet\n" };
        var task = Full(Ns, "checked") with
        {
            HealthCheck = "{\"test\":[\"CMD-SHELL\",\"true\"]}", Health = new TaskHealth { Status = "starting", FailingStreak = 0 },
        };
        await CreateAsync(task);
        var probed = Next(task, t => t with { Health = new TaskHealth { Status = "unhealthy", FailingStreak = 1, Log = [probe] } });

        Assert.True(await Store.UpdateAsync(probed, task.Version, null, Ct));

        TaskAssert.Same(probed, await Store.GetAsync(Ns, "checked", Ct));
    }

    [Fact]
    public async Task When_a_task_has_no_optional_fields_Should_read_them_back_as_nulls_and_no_execs()
    {
        var task = Minimal(Ns, "bare");

        await CreateAsync(task);

        var read = await Store.GetAsync(Ns, "bare", Ct);
        TaskAssert.Same(task, read);
        Assert.Null(read!.Snapshotter);
        Assert.Null(read.SnapshotKey);
        Assert.Null(read.StartedAt);
        Assert.Null(read.ExitStatus);
        Assert.Null(read.ExitedAt);
        Assert.Empty(read.Execs);
    }

    [Fact]
    public async Task When_an_exit_status_is_unknown_Should_read_it_back_as_null_not_zero()
    {
        var unknown = Full(Ns, "unknown") with
        {
            ExitStatus = null,
            Execs = [new ExecRecord { ExecId = "lost", Pid = 7, Status = TaskState.Stopped, ExitStatus = null, ExitedAt = Epoch }],
        };
        var zero = Full(Ns, "zero") with
        {
            ExitStatus = 0,
            Execs = [new ExecRecord { ExecId = "ok", Pid = 8, Status = TaskState.Stopped, ExitStatus = 0, ExitedAt = Epoch }],
        };

        await CreateAsync(unknown);
        await CreateAsync(zero);

        var readUnknown = await Store.GetAsync(Ns, "unknown", Ct);
        var readZero = await Store.GetAsync(Ns, "zero", Ct);
        Assert.Null(readUnknown!.ExitStatus);
        Assert.Null(Assert.Single(readUnknown.Execs).ExitStatus);
        Assert.Equal(0, readZero!.ExitStatus);
        Assert.Equal(0, Assert.Single(readZero.Execs).ExitStatus);
    }

    [Fact]
    public async Task When_execs_change_with_an_update_Should_read_back_the_new_list_in_order()
    {
        var running = await RunningAsync(Ns, "web-1");
        var withExecs = Next(running, t => t with
        {
            Execs =
            [
                new ExecRecord { ExecId = "b-second", Pid = 201, Status = TaskState.Running },
                new ExecRecord { ExecId = "a-first", Pid = 200, Status = TaskState.Stopped, ExitStatus = 1, ExitedAt = Epoch.AddTicks(99) },
            ],
        });

        Assert.True(await Store.UpdateAsync(withExecs, running.Version, null, Ct));

        TaskAssert.Same(withExecs, await Store.GetAsync(Ns, "web-1", Ct));
        var withoutExecs = Next(withExecs, t => t with { Execs = [] });
        Assert.True(await Store.UpdateAsync(withoutExecs, withExecs.Version, null, Ct));
        Assert.Empty((await Store.GetAsync(Ns, "web-1", Ct))!.Execs);
    }

    [Fact]
    public async Task When_a_container_has_no_task_Should_get_null()
    {
        await CreateAsync(Minimal(Ns, "web-1"));

        Assert.Null(await Store.GetAsync(Ns, "web-2", Ct));
        Assert.Null(await Store.GetAsync("other-ns", "web-1", Ct));
    }

    // ---- listing ----

    // Ordinal order: '-' < '.' < digits < upper case < '_' < lower case.
    private static readonly string[] MixedIds = ["b", "a_1", "B", "a-1", "10", "a.1", "9", "a1", "A", "a", "z-last", "0"];

    [Fact]
    public async Task When_a_namespace_is_listed_Should_return_only_its_tasks_in_ordinal_container_order()
    {
        foreach (var id in MixedIds)
            await CreateAsync(Minimal(Ns, id));
        await CreateAsync(Minimal("other-ns", "a"));
        await CreateAsync(Full(Ns + "-2", "0"));

        var tasks = await Store.ListAsync(Ns, Ct);

        Assert.Equal(MixedIds.Order(StringComparer.Ordinal), tasks.Select(t => t.ContainerId));
        Assert.All(tasks, t => Assert.Equal(Ns, t.Namespace));
    }

    [Fact]
    public async Task When_every_namespace_is_listed_Should_order_by_namespace_then_container()
    {
        (string Ns, string Id)[] keys = [("ns-b", "a"), ("ns-a", "z"), ("ns-b", "B"), ("ns-a", "a"), ("NS-c", "m"), ("ns-a", "0")];
        foreach (var (ns, id) in keys)
            await CreateAsync(Minimal(ns, id));

        var tasks = await Store.ListAsync(null, Ct);

        var expected = keys.OrderBy(k => k.Ns, StringComparer.Ordinal).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, tasks.Select(t => (t.Namespace, t.ContainerId)));
    }

    [Fact]
    public async Task When_tasks_are_listed_Should_carry_every_field()
    {
        var task = Full(Ns, "web-1");
        await CreateAsync(task);

        TaskAssert.Same(task, Assert.Single(await Store.ListAsync(Ns, Ct)));
        TaskAssert.Same(task, Assert.Single(await Store.ListAsync(null, Ct)));
    }

    [Fact]
    public async Task When_a_namespace_has_no_tasks_Should_list_nothing()
    {
        await CreateAsync(Minimal("other-ns", "web-1"));

        Assert.Empty(await Store.ListAsync(Ns, Ct));
    }

    // ---- identity ----

    [Fact]
    public async Task When_the_container_already_has_a_task_Should_refuse_with_already_exists_and_keep_the_first()
    {
        var first = Full(Ns, "web-1");
        await CreateAsync(first);

        var error = await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(Minimal(Ns, "web-1")));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        Assert.Equal($"task of container web-1 already exists in namespace {Ns}", error.Message);
        TaskAssert.Same(first, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal([1L], (await PendingEventsAsync()).Select(e => e.Sequence));
    }

    [Fact]
    public async Task When_the_same_container_id_is_used_in_two_namespaces_Should_keep_them_apart()
    {
        var inA = Full("ns-a", "shared");
        var inB = Minimal("ns-b", "shared");

        await CreateAsync(inA);
        await CreateAsync(inB);
        Assert.True(await DeleteAsync("ns-a", "shared", 1));

        Assert.Null(await Store.GetAsync("ns-a", "shared", Ct));
        TaskAssert.Same(inB, await Store.GetAsync("ns-b", "shared", Ct));
    }

    [Fact]
    public async Task When_a_new_task_does_not_start_at_version_1_Should_refuse_it_and_write_nothing()
    {
        var task = Minimal(Ns, "web-1") with { Version = 2 };

        await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(task));

        Assert.Null(await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Empty(await Outbox.ReadPendingAsync(100, Ct));
    }

    // ---- versions ----

    [Fact]
    public async Task When_an_update_expects_the_current_version_Should_replace_the_task_with_its_event()
    {
        var created = Full(Ns, "web-1") with { Status = TaskState.Created, ExitStatus = null, ExitedAt = null };
        await CreateAsync(created);
        var next = Next(created, t => t with { Status = TaskState.Paused, Pid = 9, Snapshotter = null, SnapshotKey = null, StartedAt = null, Execs = [] });

        Assert.True(await StartAsync(next));

        TaskAssert.Same(next, await Store.GetAsync(Ns, "web-1", Ct));
        var started = Assert.IsType<TaskStarted>((await PendingEventsAsync())[^1]);
        Assert.Equal((2L, "web-1", 9), (started.Sequence, started.ContainerId, started.Pid));
    }

    [Fact]
    public async Task When_an_update_expects_a_stale_version_Should_return_false_and_write_nothing()
    {
        var running = await RunningAsync(Ns, "web-1");
        var stale = Next(Minimal(Ns, "web-1"), t => t with { Status = TaskState.Paused });
        var pendingBefore = (await Outbox.ReadPendingAsync(100, Ct)).Count;

        Assert.False(await Store.UpdateAsync(stale, expectedVersion: 1, StartedEvent(stale), Ct));

        TaskAssert.Same(running, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(pendingBefore, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    [Fact]
    public async Task When_an_update_finds_no_task_Should_return_false_and_write_nothing()
    {
        var ghost = Next(Minimal(Ns, "ghost"), t => t);

        Assert.False(await Store.UpdateAsync(ghost, expectedVersion: 1, StartedEvent(ghost), Ct));

        Assert.Null(await Store.GetAsync(Ns, "ghost", Ct));
        Assert.Empty(await Outbox.ReadPendingAsync(100, Ct));
    }

    [Fact]
    public async Task When_an_update_carries_no_event_Should_write_the_task_and_use_no_sequence_number()
    {
        var created = Minimal(Ns, "web-1");
        await CreateAsync(created);
        var quiet = Next(created, t => t with { Pid = 55 });

        Assert.True(await Store.UpdateAsync(quiet, expectedVersion: 1, makeEvent: null, Ct));
        var started = Started(quiet);
        Assert.True(await StartAsync(started));

        TaskAssert.Same(started, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal([(typeof(TaskCreated), 1L), (typeof(TaskStarted), 2L)], (await PendingEventsAsync()).Select(e => (e.GetType(), e.Sequence)));
    }

    [Fact]
    public async Task When_an_update_does_not_carry_the_next_version_Should_refuse_it_and_write_nothing()
    {
        var created = Minimal(Ns, "web-1");
        await CreateAsync(created);
        var skipping = created with { Status = TaskState.Running, Version = 3 };

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpdateAsync(skipping, expectedVersion: 1, StartedEvent(skipping), Ct));

        TaskAssert.Same(created, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Single(await Outbox.ReadPendingAsync(100, Ct));
    }

    [Fact]
    public async Task When_a_delete_expects_a_stale_version_Should_return_false_and_keep_the_task()
    {
        var running = await RunningAsync(Ns, "web-1");

        Assert.False(await DeleteAsync(Ns, "web-1", expectedVersion: 1));

        TaskAssert.Same(running, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(2, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    [Fact]
    public async Task When_a_delete_expects_the_current_version_Should_remove_the_task_with_its_event()
    {
        var running = await RunningAsync(Ns, "web-1");

        Assert.True(await DeleteAsync(Ns, "web-1", running.Version));

        Assert.Null(await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Empty(await Store.ListAsync(null, Ct));
        var deleted = Assert.IsType<TaskDeleted>((await PendingEventsAsync())[^1]);
        Assert.Equal(3, deleted.Sequence);
        Assert.False(await DeleteAsync(Ns, "web-1", running.Version));
        Assert.Equal(3, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    // ---- exits ----

    [Fact]
    public async Task When_an_exit_is_recorded_Should_keep_it_with_the_change_and_one_event()
    {
        var running = await RunningAsync(Ns, "web-1", pid: 321);
        var exit = InitExit(running, 143, Epoch.AddSeconds(5).AddTicks(1));
        var stopped = Stopped(running, 143, exit.ExitedAt);

        Assert.True(await RecordExitAsync(stopped, exit));

        TaskAssert.Same(stopped, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(exit, await Store.GetExitAsync(Ns, "web-1", null, Ct));
        var exited = Assert.IsType<TaskExited>((await PendingEventsAsync())[^1]);
        Assert.Equal((3L, (string?)null, 321, (int?)143), (exited.Sequence, exited.ExecId, exited.Pid, exited.ExitStatus));
    }

    [Fact]
    public async Task When_an_exit_is_recorded_twice_Should_report_it_once()
    {
        var running = await RunningAsync(Ns, "web-1");
        var first = InitExit(running, 0, Epoch.AddSeconds(5));
        var second = InitExit(running, 1, Epoch.AddSeconds(6));
        var stopped = Stopped(running, 0, first.ExitedAt);
        Assert.True(await RecordExitAsync(stopped, first));

        Assert.False(await RecordExitAsync(Stopped(running, 1, second.ExitedAt), second));

        TaskAssert.Same(stopped, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(first, await Store.GetExitAsync(Ns, "web-1", null, Ct));
        Assert.Single((await PendingEventsAsync()).OfType<TaskExited>());
    }

    [Fact]
    public async Task When_an_exit_is_recorded_against_a_stale_version_Should_keep_neither_the_exit_nor_the_change()
    {
        var running = await RunningAsync(Ns, "web-1");
        var exec = new ExitRecord(Ns, "web-1", "shell", 400, 0, Epoch.AddSeconds(4));

        // Version 1 is gone: the task was started (version 2) meanwhile.
        Assert.False(await Store.RecordExitAsync(Stopped(Minimal(Ns, "web-1"), 0, exec.ExitedAt), 1, exec, ExitedEvent(exec), Ct));

        TaskAssert.Same(running, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "web-1", "shell", Ct));
        Assert.Empty((await PendingEventsAsync()).OfType<TaskExited>());
    }

    [Fact]
    public async Task When_the_same_process_exit_is_recorded_at_a_later_version_Should_replace_the_earlier_exit()
    {
        var running = await RunningAsync(Ns, "web-1");
        var unknown = InitExit(running, null, Epoch.AddSeconds(5));
        var stopped = Stopped(running, null, unknown.ExitedAt);
        Assert.True(await RecordExitAsync(stopped, unknown));
        var known = InitExit(running, 9, Epoch.AddSeconds(7));

        Assert.True(await RecordExitAsync(Stopped(stopped, 9, known.ExitedAt), known));

        Assert.Equal(known, await Store.GetExitAsync(Ns, "web-1", null, Ct));
    }

    [Fact]
    public async Task When_an_exit_status_is_unknown_Should_keep_the_retained_exit_status_null()
    {
        var running = await RunningAsync(Ns, "web-1");
        var unknown = InitExit(running, null, Epoch.AddSeconds(5));

        Assert.True(await RecordExitAsync(Stopped(running, null, unknown.ExitedAt), unknown));

        var read = await Store.GetExitAsync(Ns, "web-1", null, Ct);
        Assert.NotNull(read);
        Assert.Null(read.ExitStatus);
        Assert.Null(Assert.IsType<TaskExited>((await PendingEventsAsync())[^1]).ExitStatus);
    }

    [Fact]
    public async Task When_exits_of_init_and_exec_processes_are_kept_Should_answer_each_by_its_exec_id()
    {
        var running = await RunningAsync(Ns, "web-1", pid: 100);
        var execExit = new ExitRecord(Ns, "web-1", "shell", 200, 3, Epoch.AddSeconds(2));
        var afterExec = Next(running, t => t with { Execs = [new ExecRecord { ExecId = "shell", Pid = 200, Status = TaskState.Stopped, ExitStatus = 3, ExitedAt = execExit.ExitedAt }] });
        Assert.True(await RecordExitAsync(afterExec, execExit));
        var initExit = InitExit(running, 0, Epoch.AddSeconds(3));
        Assert.True(await RecordExitAsync(Stopped(afterExec, 0, initExit.ExitedAt), initExit));

        Assert.Equal(initExit, await Store.GetExitAsync(Ns, "web-1", null, Ct));
        Assert.Equal(execExit, await Store.GetExitAsync(Ns, "web-1", "shell", Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "web-1", "other", Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "web-2", null, Ct));
        Assert.Null(await Store.GetExitAsync("other-ns", "web-1", null, Ct));
        Assert.Equal(
            [(typeof(TaskCreated), 1L, (string?)null), (typeof(TaskStarted), 2L, null), (typeof(TaskExited), 3L, "shell"), (typeof(TaskExited), 4L, null)],
            (await PendingEventsAsync()).Select(e => (e.GetType(), e.Sequence, (e as TaskExited)?.ExecId)));
    }

    [Fact]
    public async Task When_an_init_exit_is_kept_Should_read_back_how_its_task_ran()
    {
        var running = await RunningAsync(Ns, "web-1");
        var exit = InitExit(running, 137, Epoch.AddSeconds(9)) with { OomKilled = true };
        Assert.True(await RecordExitAsync(Stopped(running, 137, exit.ExitedAt), exit));

        var read = await Store.GetExitAsync(Ns, "web-1", null, Ct);

        Assert.NotNull(read);
        Assert.Equal((running.Runtime, running.CreatedAt, running.StartedAt, true), (read.Runtime, read.CreatedAt, read.StartedAt, read.OomKilled));
        Assert.NotNull(read.StartedAt);
    }

    [Fact]
    public async Task When_a_container_has_no_retained_exit_Should_get_null()
    {
        await RunningAsync(Ns, "web-1");

        Assert.Null(await Store.GetExitAsync(Ns, "web-1", null, Ct));
    }

    [Fact]
    public async Task When_an_exit_belongs_to_another_task_Should_refuse_it_and_write_nothing()
    {
        var running = await RunningAsync(Ns, "web-1");
        var foreign = new ExitRecord(Ns, "web-2", null, 1, 0, Epoch);

        await Assert.ThrowsAsync<ArgumentException>(() => RecordExitAsync(Stopped(running, 0, Epoch), foreign));

        TaskAssert.Same(running, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "web-2", null, Ct));
    }

    [Fact]
    public async Task When_the_task_is_deleted_Should_still_answer_with_its_exits()
    {
        var running = await RunningAsync(Ns, "web-1");
        var exit = InitExit(running, 42, Epoch.AddSeconds(5));
        var stopped = Stopped(running, 42, exit.ExitedAt);
        Assert.True(await RecordExitAsync(stopped, exit));

        Assert.True(await DeleteAsync(Ns, "web-1", stopped.Version));

        Assert.Null(await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(exit, await Store.GetExitAsync(Ns, "web-1", null, Ct));
    }

    [Fact]
    public async Task When_a_new_task_is_created_for_the_container_Should_forget_the_earlier_tasks_exits_only()
    {
        var running = await RunningAsync(Ns, "web-1");
        var execExit = new ExitRecord(Ns, "web-1", "shell", 200, 0, Epoch.AddSeconds(2));
        var afterExec = Next(running, t => t);
        Assert.True(await RecordExitAsync(afterExec, execExit));
        var initExit = InitExit(running, 0, Epoch.AddSeconds(3));
        var stopped = Stopped(afterExec, 0, initExit.ExitedAt);
        Assert.True(await RecordExitAsync(stopped, initExit));
        Assert.True(await DeleteAsync(Ns, "web-1", stopped.Version));
        var neighbour = await RunningAsync(Ns, "web-2");
        var neighbourExit = InitExit(neighbour, 1, Epoch.AddSeconds(4));
        Assert.True(await RecordExitAsync(Stopped(neighbour, 1, neighbourExit.ExitedAt), neighbourExit));
        var elsewhere = await RunningAsync("other-ns", "web-1");
        var elsewhereExit = InitExit(elsewhere, 2, Epoch.AddSeconds(4));
        Assert.True(await RecordExitAsync(Stopped(elsewhere, 2, elsewhereExit.ExitedAt), elsewhereExit));

        await CreateAsync(Minimal(Ns, "web-1"));

        Assert.Null(await Store.GetExitAsync(Ns, "web-1", null, Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "web-1", "shell", Ct));
        Assert.Equal(neighbourExit, await Store.GetExitAsync(Ns, "web-2", null, Ct));
        Assert.Equal(elsewhereExit, await Store.GetExitAsync("other-ns", "web-1", null, Ct));
    }

    [Fact]
    public async Task When_a_create_is_refused_Should_keep_the_exits_it_would_have_forgotten()
    {
        var running = await RunningAsync(Ns, "web-1");
        var exit = InitExit(running, 0, Epoch.AddSeconds(3));
        Assert.True(await RecordExitAsync(Stopped(running, 0, exit.ExitedAt), exit));

        await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(Minimal(Ns, "web-1")));

        Assert.Equal(exit, await Store.GetExitAsync(Ns, "web-1", null, Ct));
    }

    [Fact]
    public async Task When_exits_are_pruned_Should_forget_exactly_those_older_than_the_cut()
    {
        var cut = Epoch.AddMinutes(10);
        (string Id, DateTimeOffset ExitedAt)[] exits =
        [
            ("old-1", cut.AddHours(-1)), ("old-2", cut.AddTicks(-1)), ("at-cut", cut), ("new-1", cut.AddTicks(1)),
        ];
        foreach (var (id, exitedAt) in exits)
        {
            var running = await RunningAsync(Ns, id);
            var exit = InitExit(running, 0, exitedAt);
            Assert.True(await RecordExitAsync(Stopped(running, 0, exitedAt), exit));
        }

        // The cut given in another offset is the same instant.
        var pruned = await Store.PruneExitsAsync(cut.ToOffset(TimeSpan.FromHours(-5)), Ct);

        Assert.Equal(2, pruned);
        Assert.Null(await Store.GetExitAsync(Ns, "old-1", null, Ct));
        Assert.Null(await Store.GetExitAsync(Ns, "old-2", null, Ct));
        Assert.NotNull(await Store.GetExitAsync(Ns, "at-cut", null, Ct));
        Assert.NotNull(await Store.GetExitAsync(Ns, "new-1", null, Ct));
        Assert.Equal(0, await Store.PruneExitsAsync(cut, Ct));
        Assert.Equal(4, (await Store.ListAsync(Ns, Ct)).Count);
    }

    // ---- sequences ----

    [Fact]
    public async Task When_a_task_is_deleted_and_created_again_Should_continue_its_sequence()
    {
        await CreateAsync(Minimal(Ns, "web-1"));
        Assert.True(await DeleteAsync(Ns, "web-1", 1));

        await CreateAsync(Minimal(Ns, "web-1"));

        Assert.Equal(
            [(typeof(TaskCreated), 1L), (typeof(TaskDeleted), 2L), (typeof(TaskCreated), 3L)],
            (await PendingEventsAsync()).Select(e => (e.GetType(), e.Sequence)));
    }

    [Fact]
    public async Task When_several_tasks_change_Should_number_each_tasks_events_on_its_own()
    {
        await CreateAsync(Minimal(Ns, "a"));
        await CreateAsync(Minimal(Ns, "b"));
        await CreateAsync(Minimal("other-ns", "a"));
        var startedA = Started(Minimal(Ns, "a"));
        Assert.True(await StartAsync(startedA));
        Assert.True(await DeleteAsync(Ns, "b", 1));
        Assert.True(await StartAsync(Next(startedA, t => t with { Pid = 7 })));

        var events = await PendingEventsAsync();

        Assert.Equal(
            [(Ns, "a", 1L), (Ns, "b", 1L), ("other-ns", "a", 1L), (Ns, "a", 2L), (Ns, "b", 2L), (Ns, "a", 3L)],
            events.Select(e => (e.Namespace, ContainerOf(e), e.Sequence)));
    }

    private static string ContainerOf(IPlatformEvent e) => e switch
    {
        TaskCreated c => c.ContainerId,
        TaskStarted s => s.ContainerId,
        TaskExited x => x.ContainerId,
        TaskDeleted d => d.ContainerId,
        _ => throw new InvalidOperationException($"unexpected event {e.GetType()}"),
    };

    // ---- outbox ----

    [Fact]
    public async Task When_the_outbox_is_read_Should_hold_exactly_the_events_written_in_order_until_published()
    {
        var written = new List<IPlatformEvent>();
        EventFactory Keep(EventFactory make) => seq => { var e = make(seq); written.Add(e); return e; };
        var created = Minimal(Ns, "web-1");
        await Store.CreateAsync(created, Keep(Created(created)), Ct);
        var running = Started(created);
        Assert.True(await Store.UpdateAsync(running, 1, Keep(StartedEvent(running)), Ct));
        var exit = InitExit(running, 0, Epoch.AddSeconds(2));
        var stopped = Stopped(running, 0, exit.ExitedAt);
        Assert.True(await Store.RecordExitAsync(stopped, 2, exit, Keep(ExitedEvent(exit)), Ct));
        Assert.True(await Store.DeleteAsync(Ns, "web-1", 3, Keep(DeletedEvent(Ns, "web-1")), Ct));

        var pending = await Outbox.ReadPendingAsync(100, Ct);

        Assert.Equal(written.Select(e => e.EventId), pending.Select(r => r.EventId));
        var decoded = pending.Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event).ToList();
        Assert.Equal(written, decoded);
        Assert.Equal([typeof(TaskCreated), typeof(TaskStarted), typeof(TaskExited), typeof(TaskDeleted)], decoded.Select(e => e.GetType()));
        Assert.Equal([1L, 2L, 3L, 4L], decoded.Select(e => e.Sequence));

        await Outbox.MarkPublishedAsync(pending.Take(3).ToList(), Ct);

        Assert.Equal([written[3].EventId], (await Outbox.ReadPendingAsync(100, Ct)).Select(r => r.EventId));
        await Outbox.MarkPublishedAsync(pending, Ct);
        Assert.Empty(await Outbox.ReadPendingAsync(100, Ct));
        await CreateAsync(Minimal(Ns, "web-1"));
        Assert.Equal([5L], (await PendingEventsAsync()).Select(e => e.Sequence));
    }

    [Fact]
    public async Task When_fewer_records_are_asked_for_Should_return_the_oldest()
    {
        foreach (var id in new[] { "a", "b", "c" })
            await CreateAsync(Minimal(Ns, id));

        var pending = await Outbox.ReadPendingAsync(2, Ct);

        Assert.Equal(["a", "b"], pending.Select(r => ContainerOf((IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)));
    }

    [Fact]
    public async Task When_a_write_commits_an_event_Should_wake_the_relay_and_not_otherwise()
    {
        var created = Minimal(Ns, "web-1");
        var beforeCreate = Signal.Next();
        await CreateAsync(created);
        Assert.True(beforeCreate.IsCompleted, "a create did not wake the relay");

        var beforeRefusals = Signal.Next();
        Assert.False(await StartAsync(Next(Minimal(Ns, "ghost"), t => t)));
        Assert.False(await DeleteAsync(Ns, "web-1", expectedVersion: 5));
        Assert.True(await Store.UpdateAsync(Next(created, t => t with { Pid = 3 }), 1, makeEvent: null, Ct));
        Assert.False(beforeRefusals.IsCompleted, "a write without an event woke the relay");

        var running = Started(Next(created, t => t with { Pid = 3 }));
        Assert.True(await StartAsync(running));
        Assert.True(beforeRefusals.IsCompleted, "an update did not wake the relay");
        var beforeExit = Signal.Next();
        var exit = InitExit(running, 0, Epoch);
        Assert.True(await RecordExitAsync(Stopped(running, 0, Epoch), exit));
        Assert.True(beforeExit.IsCompleted, "a recorded exit did not wake the relay");
        var beforeDelete = Signal.Next();
        Assert.True(await DeleteAsync(Ns, "web-1", 4));
        Assert.True(beforeDelete.IsCompleted, "a delete did not wake the relay");
    }
}
