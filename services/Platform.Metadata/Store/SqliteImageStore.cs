using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Filters;
using Platform.Contracts.Images;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Images;

namespace Platform.Metadata.Store;

/// <summary>
/// The embedded image store: the table <c>images</c> in the metadata service's SQLite file, beside <c>containers</c>.
/// It writes its events into that file's outbox table, so the relay that reads the container store's outbox relays
/// image events too; it does not own the file (the container store disposes it). As there, simple equality and
/// presence selectors of a single filter are pushed into SQL and the full filter is always evaluated on what SQL returns.
/// </summary>
public sealed class SqliteImageStore(SqliteDatabase database, OutboxSignal signal)
    : IImageStore, IOutboxStore, IInitializableStore
{
    private const string Kind = "image";
    private const string Columns = "namespace, name, target_media_type, target_digest, target_size, labels, created_at, updated_at, version";

    public string Name => "metadata images";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS images (
                    namespace         TEXT NOT NULL,
                    name              TEXT NOT NULL,
                    target_media_type TEXT NOT NULL,
                    target_digest     TEXT NOT NULL,
                    target_size       INTEGER NOT NULL,
                    labels            TEXT NOT NULL,
                    created_at        INTEGER NOT NULL,
                    updated_at        INTEGER NOT NULL,
                    version           INTEGER NOT NULL,
                    PRIMARY KEY (namespace, name)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS images_target_digest ON images (namespace, target_digest);
                """ + SqliteOutbox.Schema, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    public async Task<Image?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM images WHERE namespace = $ns AND name = $name;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<ImagePage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var page = new PageCollector<Image>(limit, i => filters.Match(new ImageFields(i)), i => i.Name);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM images WHERE namespace = $ns AND name > $after");
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$after", after ?? "");
        AddPushdown(filters, sql, command);
        sql.Append(" ORDER BY name;");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken) && page.Offer(Read(reader)))
        {
        }
        return new ImagePage(page.Items, page.After);
    }

    public async Task CreateAsync(Image image, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"INSERT INTO images ({Columns}) VALUES ($ns, $name, $media_type, $digest, $size, $labels, $created_at, $updated_at, $version);";
                Bind(command, image);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, image.Namespace, image.Name, makeEvent, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw ImageRules.AlreadyExists(image.Namespace, image.Name);
        }
        signal.Notify();
    }

    public async Task<bool> UpdateAsync(Image image, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var updated = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE images SET target_media_type = $media_type, target_digest = $digest, target_size = $size, labels = $labels,
                    created_at = $created_at, updated_at = $updated_at, version = $version
                WHERE namespace = $ns AND name = $name AND version = $expected;
                """;
            Bind(command, image);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, image.Namespace, image.Name, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (updated)
            signal.Notify();
        return updated;
    }

    public async Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM images WHERE namespace = $ns AND name = $name AND version = $expected;";
            command.Parameters.AddWithValue("$ns", @namespace);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, @namespace, name, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    // The same outbox table as the container store's: tests read it here; the service registers only one relay source.
    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        SqliteOutbox.ReadPendingAsync(database, max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        SqliteOutbox.MarkPublishedAsync(database, records, cancellationToken);

    /// <summary>
    /// Narrows the scan with the equality and presence selectors SQL can test exactly. Only when there is a single
    /// filter: with several (OR), a selector of one filter says nothing about rows the others match.
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
        ["name"] => "name",
        ["target", "digest"] => "target_digest",
        ["target", "mediatype"] => "target_media_type",
        ["labels", _, ..] when LabelJsonPath(path) is { } jsonPath => $"json_extract(labels, '{jsonPath}')",
        _ => null,
    };

    // Label keys become JSON path members; keys that would need escaping are simply not pushed down.
    private static string? LabelJsonPath(IReadOnlyList<string> path)
    {
        var key = string.Join('.', path.Skip(1));
        return key.Any(ch => ch is '"' or '\'' or '\\' || char.IsControl(ch)) ? null : $"$.\"{key}\"";
    }

    private static void Bind(SqliteCommand command, Image i)
    {
        command.Parameters.AddWithValue("$ns", i.Namespace);
        command.Parameters.AddWithValue("$name", i.Name);
        command.Parameters.AddWithValue("$media_type", i.Target.MediaType);
        command.Parameters.AddWithValue("$digest", i.Target.Digest);
        command.Parameters.AddWithValue("$size", i.Target.Size);
        command.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(i.Labels));
        command.Parameters.AddWithValue("$created_at", i.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updated_at", i.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("$version", i.Version);
    }

    private static Image Read(SqliteDataReader r) => new()
    {
        Namespace = r.GetString(0),
        Name = r.GetString(1),
        Target = new Descriptor { MediaType = r.GetString(2), Digest = r.GetString(3), Size = r.GetInt64(4) },
        Labels = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(5))!,
        CreatedAt = new DateTimeOffset(r.GetInt64(6), TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero),
        Version = r.GetInt64(8),
    };
}
