using Microsoft.Data.Sqlite;
using Platform.Hosting;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>The embedded restart store: the table <c>task_restarts</c> in the runner's SQLite file. Times are UTC ticks.</summary>
public sealed class SqliteRestartStore(SqliteDatabase database) : IRestartStore, IInitializableStore
{
    private const string Columns = "namespace, container_id, policy, privileged, restart_count, backoff, stopped_by_user, restart_at, last_exit_status, last_exited_at";

    public string Name => "task restarts";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS task_restarts (
                    namespace        TEXT NOT NULL,
                    container_id     TEXT NOT NULL,
                    policy           TEXT NOT NULL,
                    privileged       INTEGER NOT NULL,
                    restart_count    INTEGER NOT NULL,
                    backoff          INTEGER NOT NULL,
                    stopped_by_user  INTEGER NOT NULL,
                    restart_at       INTEGER,
                    last_exit_status INTEGER,
                    last_exited_at   INTEGER,
                    PRIMARY KEY (namespace, container_id)) WITHOUT ROWID;
                """, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    public async Task<RestartState?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM task_restarts WHERE namespace = $ns AND container_id = $id;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$id", containerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<RestartState>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM task_restarts ORDER BY namespace, container_id;";
        var states = new List<RestartState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            states.Add(Read(reader));
        return states;
    }

    public Task PutAsync(RestartState state, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT OR REPLACE INTO task_restarts ({Columns}) VALUES ($ns, $id, $policy, $privileged, $count, $backoff, $stopped, $restart_at, $exit_status, $exited_at);";
            command.Parameters.AddWithValue("$ns", state.Namespace);
            command.Parameters.AddWithValue("$id", state.ContainerId);
            command.Parameters.AddWithValue("$policy", state.Policy);
            command.Parameters.AddWithValue("$privileged", state.Privileged ? 1 : 0);
            command.Parameters.AddWithValue("$count", state.RestartCount);
            command.Parameters.AddWithValue("$backoff", state.Backoff.Ticks);
            command.Parameters.AddWithValue("$stopped", state.StoppedByUser ? 1 : 0);
            command.Parameters.AddWithValue("$restart_at", (object?)state.RestartAt?.UtcTicks ?? DBNull.Value);
            command.Parameters.AddWithValue("$exit_status", (object?)state.LastExitStatus ?? DBNull.Value);
            command.Parameters.AddWithValue("$exited_at", (object?)state.LastExitedAt?.UtcTicks ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<bool> MarkStoppedAsync(string @namespace, string containerId, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE task_restarts SET stopped_by_user = 1, restart_at = NULL WHERE namespace = $ns AND container_id = $id;",
            @namespace, containerId, cancellationToken);

    public Task<bool> DeleteAsync(string @namespace, string containerId, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM task_restarts WHERE namespace = $ns AND container_id = $id;", @namespace, containerId, cancellationToken);

    private Task<bool> ChangeAsync(string sql, string @namespace, string containerId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$ns", @namespace);
            command.Parameters.AddWithValue("$id", containerId);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    private static RestartState Read(SqliteDataReader r) => new()
    {
        Namespace = r.GetString(0),
        ContainerId = r.GetString(1),
        Policy = r.GetString(2),
        Privileged = r.GetInt64(3) != 0,
        RestartCount = r.GetInt32(4),
        Backoff = TimeSpan.FromTicks(r.GetInt64(5)),
        StoppedByUser = r.GetInt64(6) != 0,
        RestartAt = r.IsDBNull(7) ? null : new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero),
        LastExitStatus = r.IsDBNull(8) ? null : r.GetInt32(8),
        LastExitedAt = r.IsDBNull(9) ? null : new DateTimeOffset(r.GetInt64(9), TimeSpan.Zero),
    };
}
