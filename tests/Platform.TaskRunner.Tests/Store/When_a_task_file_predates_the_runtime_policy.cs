using Microsoft.Data.Sqlite;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>A tasks.db written before tasks recorded whether they run privileged: opening it adds the column.</summary>
public sealed class When_a_task_file_predates_the_runtime_policy : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Should_read_its_tasks_as_unprivileged_and_record_new_ones()
    {
        var path = Path.Combine(_folder, "tasks.db");
        await using (var old = new SqliteDatabase(path))
        {
            await old.WriteAsync(async (connection, transaction) =>
            {
                await SqliteDatabase.ExecuteAsync(connection, """
                    CREATE TABLE tasks (
                        namespace TEXT NOT NULL, container_id TEXT NOT NULL, runtime TEXT NOT NULL, status INTEGER NOT NULL,
                        pid INTEGER NOT NULL, snapshotter TEXT, snapshot_key TEXT, created_at INTEGER NOT NULL, started_at INTEGER,
                        exit_status INTEGER, exited_at INTEGER, execs TEXT NOT NULL, version INTEGER NOT NULL,
                        PRIMARY KEY (namespace, container_id)) WITHOUT ROWID;
                    INSERT INTO tasks VALUES ('ns', 'old', 'runc', 1, 42, NULL, NULL, 638000000000000000, NULL, NULL, NULL, '[]', 1);
                    """, Ct, transaction);
                return 0;
            }, Ct);
        }
        SqliteConnection.ClearAllPools();

        await using var store = new SqliteTaskStore(new SqliteDatabase(path), new OutboxSignal());
        await store.InitializeAsync(Ct);

        Assert.False((await store.GetAsync("ns", "old", Ct))!.Privileged);
        var privileged = TaskSamples.Minimal("ns", "new") with { Privileged = true };
        await store.CreateAsync(privileged, seq => new Contracts.Tasks.TaskCreated
        {
            EventId = Guid.NewGuid(), Timestamp = privileged.CreatedAt, Namespace = "ns", Sequence = seq, ContainerId = "new", Pid = 0, Runtime = "runc",
        }, Ct);
        Assert.True((await store.GetAsync("ns", "new", Ct))!.Privileged);
    }

    [Fact]
    public async Task Should_read_exits_kept_before_their_tasks_runtime_was_recorded_without_it()
    {
        var path = Path.Combine(_folder, "tasks.db");
        await using (var old = new SqliteDatabase(path))
        {
            await old.WriteAsync(async (connection, transaction) =>
            {
                await SqliteDatabase.ExecuteAsync(connection, """
                    CREATE TABLE task_exits (
                        namespace TEXT NOT NULL, container_id TEXT NOT NULL, exec_id TEXT NOT NULL, pid INTEGER NOT NULL,
                        exit_status INTEGER, exited_at INTEGER NOT NULL, oom_killed INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (namespace, container_id, exec_id)) WITHOUT ROWID;
                    INSERT INTO task_exits VALUES ('ns', 'old', '', 42, 3, 638000000000000000, 0);
                    """, Ct, transaction);
                return 0;
            }, Ct);
        }
        SqliteConnection.ClearAllPools();

        await using var store = new SqliteTaskStore(new SqliteDatabase(path), new OutboxSignal());
        await store.InitializeAsync(Ct);

        var exit = await store.GetExitAsync("ns", "old", null, Ct);
        Assert.NotNull(exit);
        Assert.Equal((42, (int?)3, (string?)null, (DateTimeOffset?)null), (exit.Pid, exit.ExitStatus, exit.Runtime, exit.StartedAt));
    }
}
