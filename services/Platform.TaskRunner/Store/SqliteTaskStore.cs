using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The embedded task store: one SQLite file (WAL) holding the tasks, the exits retained for late waiters, and the
/// shared outbox and sequence tables. Times are UTC ticks, so a record reads back exactly as written; exec
/// processes are a JSON column (they are only ever read and written with their task).
/// </summary>
public sealed class SqliteTaskStore(SqliteDatabase database, OutboxSignal signal)
    : ITaskStore, IOutboxStore, IEventHistoryStore, IInitializableStore, IAsyncDisposable
{
    private const string Kind = "task";
    private const string Columns = "namespace, container_id, runtime, status, pid, snapshotter, snapshot_key, created_at, started_at, exit_status, exited_at, execs, version, privileged, health";
    private const string ExitColumns = "namespace, container_id, exec_id, pid, exit_status, exited_at, oom_killed, runtime, created_at, started_at";

    public string Name => "tasks";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS tasks (
                    namespace    TEXT NOT NULL,
                    container_id TEXT NOT NULL,
                    runtime      TEXT NOT NULL,
                    status       INTEGER NOT NULL,
                    pid          INTEGER NOT NULL,
                    snapshotter  TEXT,
                    snapshot_key TEXT,
                    created_at   INTEGER NOT NULL,
                    started_at   INTEGER,
                    exit_status  INTEGER,
                    exited_at    INTEGER,
                    execs        TEXT NOT NULL,
                    version      INTEGER NOT NULL,
                    privileged   INTEGER NOT NULL DEFAULT 0,
                    health       TEXT,
                    PRIMARY KEY (namespace, container_id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS task_exits (
                    namespace    TEXT NOT NULL,
                    container_id TEXT NOT NULL,
                    exec_id      TEXT NOT NULL,
                    pid          INTEGER NOT NULL,
                    exit_status  INTEGER,
                    exited_at    INTEGER NOT NULL,
                    oom_killed   INTEGER NOT NULL DEFAULT 0,
                    runtime      TEXT,
                    created_at   INTEGER,
                    started_at   INTEGER,
                    PRIMARY KEY (namespace, container_id, exec_id)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS task_exits_exited_at ON task_exits (exited_at);
                """ + SqliteOutbox.Schema + SqliteCommandOutcomes.Schema, cancellationToken, transaction);
            await SqliteOutbox.MigrateAsync(connection, transaction, cancellationToken);
            // Files written before the runtime policy lack the column; their tasks ran as their specs said, unrecorded.
            await using (var columns = connection.CreateCommand())
            {
                columns.Transaction = transaction;
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('tasks') WHERE name = 'privileged';";
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(connection, "ALTER TABLE tasks ADD COLUMN privileged INTEGER NOT NULL DEFAULT 0;", cancellationToken, transaction);
                // Tasks stored before health checks had none.
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('tasks') WHERE name = 'health';";
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(connection, "ALTER TABLE tasks ADD COLUMN health TEXT;", cancellationToken, transaction);
                // Exits kept before OOM reports: none of them was reported as an OOM kill.
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('task_exits') WHERE name = 'oom_killed';";
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(connection, "ALTER TABLE task_exits ADD COLUMN oom_killed INTEGER NOT NULL DEFAULT 0;", cancellationToken, transaction);
                // Exits kept before GetTask answered for stopped tasks don't say how their task ran.
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('task_exits') WHERE name = 'runtime';";
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(connection, """
                        ALTER TABLE task_exits ADD COLUMN runtime TEXT;
                        ALTER TABLE task_exits ADD COLUMN created_at INTEGER;
                        ALTER TABLE task_exits ADD COLUMN started_at INTEGER;
                        """, cancellationToken, transaction);
            }
            return 0;
        }, cancellationToken);

    public async Task<TaskRecord?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM tasks WHERE namespace = $ns AND container_id = $id;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$id", containerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<TaskRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (@namespace is null)
        {
            command.CommandText = $"SELECT {Columns} FROM tasks ORDER BY namespace, container_id;";
        }
        else
        {
            command.CommandText = $"SELECT {Columns} FROM tasks WHERE namespace = $ns ORDER BY container_id;";
            command.Parameters.AddWithValue("$ns", @namespace);
        }
        var tasks = new List<TaskRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            tasks.Add(Read(reader));
        return tasks;
    }

    public async Task CreateAsync(TaskRecord task, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        TaskStoreChecks.FirstVersion(task);
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = $"INSERT INTO tasks ({Columns}) VALUES ($ns, $id, $runtime, $status, $pid, $snapshotter, $snapshot_key, $created_at, $started_at, $exit_status, $exited_at, $execs, $version, $privileged, $health);";
                    Bind(insert, task);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var forget = connection.CreateCommand())
                {
                    forget.Transaction = transaction;
                    forget.CommandText = "DELETE FROM task_exits WHERE namespace = $ns AND container_id = $id;";
                    forget.Parameters.AddWithValue("$ns", task.Namespace);
                    forget.Parameters.AddWithValue("$id", task.ContainerId);
                    await forget.ExecuteNonQueryAsync(cancellationToken);
                }
                await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, task.Namespace, task.ContainerId, makeEvent, cancellationToken);
                if (outcome is not null)
                    await SqliteCommandOutcomes.RecordAsync(connection, transaction, outcome, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw TaskStoreChecks.AlreadyExists(task);
        }
        signal.Notify();
    }

    public Task<bool> UpdateAsync(TaskRecord task, long expectedVersion, EventFactory? makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        ReplaceAsync(task, expectedVersion, exit: null, makeEvent, cancellationToken, outcome);

    public Task<bool> RecordExitAsync(TaskRecord task, long expectedVersion, ExitRecord exit, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        TaskStoreChecks.SameTask(task, exit);
        return ReplaceAsync(task, expectedVersion, exit, makeEvent, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string @namespace, string containerId, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM tasks WHERE namespace = $ns AND container_id = $id AND version = $expected;";
            command.Parameters.AddWithValue("$ns", @namespace);
            command.Parameters.AddWithValue("$id", containerId);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, @namespace, containerId, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    public async Task<ExitRecord?> GetExitAsync(string @namespace, string containerId, string? execId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ExitColumns} FROM task_exits WHERE namespace = $ns AND container_id = $id AND exec_id = $exec;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$id", containerId);
        command.Parameters.AddWithValue("$exec", execId ?? "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var storedExecId = reader.GetString(2);
        return new ExitRecord(
            reader.GetString(0),
            reader.GetString(1),
            storedExecId.Length == 0 ? null : storedExecId,
            reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetInt32(4),
            new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero),
            reader.GetInt64(6) != 0,
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero),
            reader.IsDBNull(9) ? null : new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero));
    }

    public Task<int> PruneExitsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM task_exits WHERE exited_at < $before;";
            command.Parameters.AddWithValue("$before", before.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        SqliteOutbox.ReadPendingAsync(database, max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        SqliteOutbox.MarkPublishedAsync(database, records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        SqliteEventHistory.ReadAsync(database, after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        SqliteEventHistory.FindAsync(database, eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        SqliteEventHistory.PruneAsync(database, olderThan, keepAtMost, cancellationToken);

    public ValueTask DisposeAsync() => database.DisposeAsync();

    /// <summary>The version-conditioned replace behind both updates; with an exit, keeps it in the same transaction.</summary>
    private async Task<bool> ReplaceAsync(TaskRecord task, long expectedVersion, ExitRecord? exit, EventFactory? makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null)
    {
        TaskStoreChecks.NextVersion(task, expectedVersion);
        var updated = await database.WriteAsync(async (connection, transaction) =>
        {
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE tasks SET runtime = $runtime, status = $status, pid = $pid, snapshotter = $snapshotter,
                        snapshot_key = $snapshot_key, created_at = $created_at, started_at = $started_at,
                        exit_status = $exit_status, exited_at = $exited_at, execs = $execs, version = $version, privileged = $privileged, health = $health
                    WHERE namespace = $ns AND container_id = $id AND version = $expected;
                    """;
                Bind(command, task);
                command.Parameters.AddWithValue("$expected", expectedVersion);
                if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                    return false;
            }
            if (exit is not null)
            {
                await using var keep = connection.CreateCommand();
                keep.Transaction = transaction;
                keep.CommandText = $"""
                    INSERT INTO task_exits ({ExitColumns}) VALUES ($ns, $id, $exec, $pid, $exit_status, $exited_at, $oom_killed, $runtime, $created_at, $started_at)
                    ON CONFLICT (namespace, container_id, exec_id) DO UPDATE SET
                        pid = excluded.pid, exit_status = excluded.exit_status, exited_at = excluded.exited_at, oom_killed = excluded.oom_killed,
                        runtime = excluded.runtime, created_at = excluded.created_at, started_at = excluded.started_at;
                    """;
                keep.Parameters.AddWithValue("$ns", exit.Namespace);
                keep.Parameters.AddWithValue("$id", exit.ContainerId);
                keep.Parameters.AddWithValue("$exec", exit.ExecId ?? "");
                keep.Parameters.AddWithValue("$pid", exit.Pid);
                keep.Parameters.AddWithValue("$exit_status", (object?)exit.ExitStatus ?? DBNull.Value);
                keep.Parameters.AddWithValue("$exited_at", exit.ExitedAt.UtcTicks);
                keep.Parameters.AddWithValue("$oom_killed", exit.OomKilled ? 1 : 0);
                keep.Parameters.AddWithValue("$runtime", (object?)exit.Runtime ?? DBNull.Value);
                keep.Parameters.AddWithValue("$created_at", (object?)exit.CreatedAt?.UtcTicks ?? DBNull.Value);
                keep.Parameters.AddWithValue("$started_at", (object?)exit.StartedAt?.UtcTicks ?? DBNull.Value);
                await keep.ExecuteNonQueryAsync(cancellationToken);
            }
            if (makeEvent is not null)
                await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, task.Namespace, task.ContainerId, makeEvent, cancellationToken);
            if (outcome is not null)
                await SqliteCommandOutcomes.RecordAsync(connection, transaction, outcome, cancellationToken);
            return true;
        }, cancellationToken);
        if (updated && makeEvent is not null)
            signal.Notify();
        return updated;
    }

    private static void Bind(SqliteCommand command, TaskRecord t)
    {
        command.Parameters.AddWithValue("$ns", t.Namespace);
        command.Parameters.AddWithValue("$id", t.ContainerId);
        command.Parameters.AddWithValue("$runtime", t.Runtime);
        command.Parameters.AddWithValue("$status", (int)t.Status);
        command.Parameters.AddWithValue("$pid", t.Pid);
        command.Parameters.AddWithValue("$snapshotter", (object?)t.Snapshotter ?? DBNull.Value);
        command.Parameters.AddWithValue("$snapshot_key", (object?)t.SnapshotKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$created_at", t.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$started_at", (object?)t.StartedAt?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$exit_status", (object?)t.ExitStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$exited_at", (object?)t.ExitedAt?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$execs", JsonSerializer.Serialize(t.Execs.Select(ExecColumn.From).ToList()));
        command.Parameters.AddWithValue("$version", t.Version);
        command.Parameters.AddWithValue("$privileged", t.Privileged ? 1 : 0);
        command.Parameters.AddWithValue("$health", (object?)HealthColumn.Write(t) ?? DBNull.Value);
    }

    private static TaskRecord Read(SqliteDataReader r) => new TaskRecord
    {
        Namespace = r.GetString(0),
        ContainerId = r.GetString(1),
        Runtime = r.GetString(2),
        Status = (TaskState)r.GetInt32(3),
        Pid = r.GetInt32(4),
        Snapshotter = r.IsDBNull(5) ? null : r.GetString(5),
        SnapshotKey = r.IsDBNull(6) ? null : r.GetString(6),
        CreatedAt = new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero),
        StartedAt = r.IsDBNull(8) ? null : new DateTimeOffset(r.GetInt64(8), TimeSpan.Zero),
        ExitStatus = r.IsDBNull(9) ? null : r.GetInt32(9),
        ExitedAt = r.IsDBNull(10) ? null : new DateTimeOffset(r.GetInt64(10), TimeSpan.Zero),
        Execs = JsonSerializer.Deserialize<List<ExecColumn>>(r.GetString(11))!.Select(e => e.ToRecord()).ToList(),
        Version = r.GetInt64(12),
        Privileged = r.GetInt64(13) != 0,
    }.WithHealth(r.IsDBNull(14) ? null : r.GetString(14));

    /// <summary>An exec process in the execs column: times as UTC ticks, like every other time in this store.</summary>
    private sealed record ExecColumn(
        [property: JsonPropertyName("execId")] string ExecId,
        [property: JsonPropertyName("pid")] int Pid,
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("exitStatus")] int? ExitStatus,
        [property: JsonPropertyName("exitedAt")] long? ExitedAt)
    {
        public static ExecColumn From(ExecRecord e) => new(e.ExecId, e.Pid, (int)e.Status, e.ExitStatus, e.ExitedAt?.UtcTicks);

        public ExecRecord ToRecord() => new()
        {
            ExecId = ExecId,
            Pid = Pid,
            Status = (TaskState)Status,
            ExitStatus = ExitStatus,
            ExitedAt = ExitedAt is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null,
        };
    }
}
