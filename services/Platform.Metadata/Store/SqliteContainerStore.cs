using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Store;

/// <summary>
/// The embedded container store: one SQLite file (WAL). Labels and extensions are JSON columns; simple equality
/// and presence selectors of a single filter are pushed into SQL to narrow the scan, and the full filter is
/// always evaluated on what SQL returns, so pushdown is only an optimisation, never a second semantics.
/// </summary>
public sealed class SqliteContainerStore(SqliteDatabase database, OutboxSignal signal)
    : IContainerStore, IOutboxStore, IInitializableStore, IAsyncDisposable
{
    private const string Kind = "container";
    private const string Columns = "namespace, id, labels, image, runtime_name, runtime_options, spec, snapshotter, snapshot_key, extensions, created_at, updated_at, version";

    public string Name => "metadata";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
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
                    PRIMARY KEY (namespace, id)) WITHOUT ROWID;
                """ + SqliteOutbox.Schema, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    public async Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM containers WHERE namespace = $ns AND id = $id;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var page = new PageCollector<Container>(limit, c => filters.Match(new ContainerFields(c)), c => c.Id);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM containers WHERE namespace = $ns AND id > $after");
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$after", after ?? "");
        AddPushdown(filters, sql, command);
        sql.Append(" ORDER BY id;");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken) && page.Offer(Read(reader)))
        {
        }
        return new ContainerPage(page.Items, page.After);
    }

    public async Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"INSERT INTO containers ({Columns}) VALUES ($ns, $id, $labels, $image, $runtime_name, $runtime_options, $spec, $snapshotter, $snapshot_key, $extensions, $created_at, $updated_at, $version);";
                Bind(command, container);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, container.Namespace, container.Id, makeEvent, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw ContainerRules.AlreadyExists(container.Namespace, container.Id);
        }
        signal.Notify();
    }

    public async Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var updated = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE containers SET labels = $labels, image = $image, runtime_name = $runtime_name, runtime_options = $runtime_options,
                    spec = $spec, snapshotter = $snapshotter, snapshot_key = $snapshot_key, extensions = $extensions,
                    created_at = $created_at, updated_at = $updated_at, version = $version
                WHERE namespace = $ns AND id = $id AND version = $expected;
                """;
            Bind(command, container);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, container.Namespace, container.Id, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (updated)
            signal.Notify();
        return updated;
    }

    public async Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM containers WHERE namespace = $ns AND id = $id AND version = $expected;";
            command.Parameters.AddWithValue("$ns", @namespace);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, @namespace, id, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        SqliteOutbox.ReadPendingAsync(database, max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        SqliteOutbox.MarkPublishedAsync(database, records, cancellationToken);

    public ValueTask DisposeAsync() => database.DisposeAsync();

    /// <summary>
    /// Narrows the scan with the equality and presence selectors SQL can test exactly. Only when there is a
    /// single filter: with several (OR), a selector of one filter says nothing about rows the others match.
    /// </summary>
    private static void AddPushdown(FilterSet filters, StringBuilder sql, SqliteCommand command)
    {
        if (filters.Filters.Count != 1)
            return;
        var n = 0;
        foreach (var selector in filters.Filters[0].Selectors)
        {
            var column = ColumnOf(selector.FieldPath);
            if (column is null)
                continue;
            var parameter = "$p" + n++;
            switch (selector.Operator)
            {
                case SelectorOperator.Equal:
                    sql.Append($" AND {column} = {parameter}");
                    command.Parameters.AddWithValue(parameter, selector.Value);
                    break;
                case SelectorOperator.Present:
                    sql.Append($" AND {column} IS NOT NULL");
                    break;
            }
        }
    }

    private static string? ColumnOf(IReadOnlyList<string> path) => path switch
    {
        ["id"] => "id",
        ["image"] => "image",
        ["runtime", "name"] => "runtime_name",
        ["labels", _, ..] when LabelJsonPath(path) is { } jsonPath => $"json_extract(labels, '{jsonPath}')",
        _ => null,
    };

    // Label keys become JSON path members; keys that would need escaping are simply not pushed down.
    private static string? LabelJsonPath(IReadOnlyList<string> path)
    {
        var key = string.Join('.', path.Skip(1));
        return key.Any(ch => ch is '"' or '\'' or '\\' || char.IsControl(ch)) ? null : $"$.\"{key}\"";
    }

    private static void Bind(SqliteCommand command, Container c)
    {
        command.Parameters.AddWithValue("$ns", c.Namespace);
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
        Labels = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(2))!,
        Image = r.IsDBNull(3) ? null : r.GetString(3),
        Runtime = new RuntimeInfo { Name = r.GetString(4), Options = r.IsDBNull(5) ? null : r.GetString(5) },
        Spec = r.GetString(6),
        Snapshotter = r.IsDBNull(7) ? null : r.GetString(7),
        SnapshotKey = r.IsDBNull(8) ? null : r.GetString(8),
        Extensions = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(9))!,
        CreatedAt = new DateTimeOffset(r.GetInt64(10), TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(r.GetInt64(11), TimeSpan.Zero),
        Version = r.GetInt64(12),
    };
}
