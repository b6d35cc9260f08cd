using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Store;

/// <summary>
/// The embedded container store: one SQLite file (WAL). Labels and extensions are JSON columns. Reads, paged lists with
/// filter pushdown, and versioned writes with their events are the <see cref="SqliteVersionedTable{T}"/>'s; this class
/// keeps the schema and the row mapping.
/// </summary>
public sealed class SqliteContainerStore(SqliteDatabase database, OutboxSignal signal)
    : IContainerStore, IOutboxStore, IEventHistoryStore, IInitializableStore, IAsyncDisposable
{
    // Rows read back in this order (see Read).
    private static readonly string[] Columns =
        ["namespace", "id", "labels", "image", "runtime_name", "runtime_options", "spec", "snapshotter", "snapshot_key", "extensions", "created_at", "updated_at", "version"];

    private static readonly string SelectWithHold =
        $"SELECT {string.Join(", ", Columns)}, task_hold FROM containers WHERE namespace = $namespace AND id = $id;";

    private static readonly string HoldReturning =
        $"UPDATE containers SET task_hold = $hold WHERE namespace = $namespace AND id = $id RETURNING {string.Join(", ", Columns)};";

    private readonly SqliteDatabase _database = database;
    private readonly SqliteVersionedTable<Container> _containers = new(
        database, signal, table: "containers", kind: "container", Columns,
        c => (c.Namespace, c.Id), Bind, Read, ColumnOf, (filters, c) => filters.Match(new ContainerFields(c)), ContainerRules.AlreadyExists);

    public string Name => "metadata";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS containers (
                    namespace       TEXT NOT NULL,
                    id              TEXT NOT NULL,
                    labels          TEXT NOT NULL,
                    image           TEXT,
                    runtime_name    TEXT NOT NULL,
                    runtime_options TEXT,
                    spec            TEXT NOT NULL,
                    snapshotter     TEXT,
                    snapshot_key    TEXT,
                    extensions      TEXT NOT NULL,
                    created_at      INTEGER NOT NULL,
                    updated_at      INTEGER NOT NULL,
                    version         INTEGER NOT NULL,
                    task_hold       INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (namespace, id)) WITHOUT ROWID;
                """ + SqliteOutbox.Schema + SqliteCommandOutcomes.Schema, cancellationToken, transaction);
            await SqliteOutbox.MigrateAsync(connection, transaction, cancellationToken);
            // A file from before task holds: its containers may have live tasks nobody recorded, so each is "unknown" (its
            // deletion asks the task runner) until deleted; containers created from now on start with none.
            await using (var columns = connection.CreateCommand())
            {
                columns.Transaction = transaction;
                columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('containers') WHERE name = 'task_hold';";
                if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                    await SqliteDatabase.ExecuteAsync(connection, $"""
                        ALTER TABLE containers ADD COLUMN task_hold INTEGER NOT NULL DEFAULT 0;
                        UPDATE containers SET task_hold = {TaskHold.Unknown.Generation};
                        """, cancellationToken, transaction);
            }
            return 0;
        }, cancellationToken);

    public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        _containers.GetAsync(@namespace, id, cancellationToken);

    public async Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var (containers, next) = await _containers.ListAsync(@namespace, filters, limit, after, cancellationToken);
        return new ContainerPage(containers, next);
    }

    public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _containers.CreateAsync(container, makeEvent, cancellationToken, outcome);

    public Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _containers.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken, outcome);

    public Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent,
        CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _containers.DeleteAsync(@namespace, id, expectedVersion, ("task_hold", expectedHold.Generation), makeEvent, cancellationToken, outcome);

    public async Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectWithHold;
        command.Parameters.AddWithValue("$namespace", @namespace);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Read(reader), new TaskHold(reader.GetInt64(Columns.Length))) : null;
    }

    public Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation);
        // One statement in the writer's transaction: the hold and the container it returns are one state, and a deletion
        // (which checks the hold) commits either wholly before it (no row: null) or after it (the hold fails its check).
        return _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = HoldReturning;
            command.Parameters.AddWithValue("$namespace", @namespace);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$hold", generation);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }, cancellationToken);
    }

    public Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE containers SET task_hold = 0 WHERE namespace = $namespace AND id = $id AND task_hold = $hold;";
            command.Parameters.AddWithValue("$namespace", @namespace);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$hold", generation);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _containers.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _containers.MarkPublishedAsync(records, cancellationToken);

    public Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken) =>
        SqliteEventHistory.ReadAsync(_database, after, since, until, max, cancellationToken);

    public Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        SqliteEventHistory.FindAsync(_database, eventId, cancellationToken);

    public Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        SqliteEventHistory.PruneAsync(_database, olderThan, keepAtMost, cancellationToken);

    // The container store owns the file the image store shares (see MetadataDatabase).
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    // The columns SQL can test exactly, besides labels (which the table handles).
    private static string? ColumnOf(IReadOnlyList<string> path) => path switch
    {
        ["id"] => "id",
        ["image"] => "image",
        ["runtime", "name"] => "runtime_name",
        _ => null,
    };

    private static void Bind(SqliteCommand command, Container c)
    {
        command.Parameters.AddWithValue("$namespace", c.Namespace);
        command.Parameters.AddWithValue("$id", c.Id);
        command.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(c.Labels));
        command.Parameters.AddWithValue("$image", (object?)c.Image ?? DBNull.Value);
        command.Parameters.AddWithValue("$runtime_name", c.Runtime.Name);
        command.Parameters.AddWithValue("$runtime_options", (object?)c.Runtime.Options ?? DBNull.Value);
        command.Parameters.AddWithValue("$spec", c.Spec);
        command.Parameters.AddWithValue("$snapshotter", (object?)c.Snapshotter ?? DBNull.Value);
        command.Parameters.AddWithValue("$snapshot_key", (object?)c.SnapshotKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$extensions", JsonSerializer.Serialize(c.Extensions));
        command.Parameters.AddWithValue("$created_at", c.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updated_at", c.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("$version", c.Version);
    }

    private static Container Read(SqliteDataReader r) => new()
    {
        Namespace = r.GetString(0),
        Id = r.GetString(1),
        Labels = ReadMap(r.GetString(2)),
        Image = r.IsDBNull(3) ? null : r.GetString(3),
        Runtime = new RuntimeInfo { Name = r.GetString(4), Options = r.IsDBNull(5) ? null : r.GetString(5) },
        Spec = r.GetString(6),
        Snapshotter = r.IsDBNull(7) ? null : r.GetString(7),
        SnapshotKey = r.IsDBNull(8) ? null : r.GetString(8),
        Extensions = ReadMap(r.GetString(9)),
        CreatedAt = new DateTimeOffset(r.GetInt64(10), TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(r.GetInt64(11), TimeSpan.Zero),
        Version = r.GetInt64(12),
    };

    // Bind writes an empty map as "{}"; most containers have no extensions, and a list maps thousands of rows, so the
    // serializer is skipped for it (JSON parsing was about a fifth of row mapping in a list's profile).
    private static Dictionary<string, string> ReadMap(string json) =>
        json == "{}" ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
}
