using Microsoft.Data.Sqlite;
using Platform.Contracts;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.Storage;

/// <summary>
/// The outbox and per-object sequence tables every SQLite store shares. Writes happen inside the caller's
/// transaction, so an event exists exactly when the change it describes was committed. Published events stay, marked,
/// as the event history (<see cref="SqliteEventHistory"/>) until pruned; the relay reads only unpublished ones, through a
/// partial index that holds nothing else, so a long history costs it nothing.
/// </summary>
public static class SqliteOutbox
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox (
            position     INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id     TEXT NOT NULL,
            message_type TEXT NOT NULL,
            payload      TEXT NOT NULL,
            published    INTEGER NOT NULL DEFAULT 0,
            event_time   INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS sequences (
            kind      TEXT NOT NULL,
            namespace TEXT NOT NULL,
            id        TEXT NOT NULL,
            last      INTEGER NOT NULL,
            PRIMARY KEY (kind, namespace, id)) WITHOUT ROWID;
        """;

    /// <summary>
    /// Brings an outbox made before the history up to date (its rows were all unpublished: published ones were deleted),
    /// and adds the indexes. Run it after <see cref="Schema"/>, in the same transaction.
    /// </summary>
    public static async Task MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var columns = connection.CreateCommand())
        {
            columns.Transaction = transaction;
            columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'published';";
            if ((long)(await columns.ExecuteScalarAsync(cancellationToken))! == 0)
                await SqliteDatabase.ExecuteAsync(connection, """
                    ALTER TABLE outbox ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE outbox ADD COLUMN event_time INTEGER NOT NULL DEFAULT 0;
                    """, cancellationToken, transaction);
        }
        await SqliteDatabase.ExecuteAsync(connection, """
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (position) WHERE published = 0;
            CREATE INDEX IF NOT EXISTS outbox_event_time ON outbox (event_time);
            """, cancellationToken, transaction);
    }

    /// <summary>Allocates the next sequence number of one object; it survives the object's deletion.</summary>
    public static async Task<long> NextSequenceAsync(SqliteConnection connection, SqliteTransaction transaction,
        string kind, string @namespace, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO sequences (kind, namespace, id, last) VALUES ($kind, $ns, $id, 1)
            ON CONFLICT (kind, namespace, id) DO UPDATE SET last = last + 1
            RETURNING last;
            """;
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Allocates the object's next sequence number and appends the event made with it, in the caller's transaction.</summary>
    public static async Task AppendEventAsync(SqliteConnection connection, SqliteTransaction transaction,
        string kind, string @namespace, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var sequence = await NextSequenceAsync(connection, transaction, kind, @namespace, id, cancellationToken);
        await AppendAsync(connection, transaction, makeEvent(sequence), cancellationToken);
    }

    public static async Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, IPlatformEvent e, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO outbox (event_id, message_type, payload, event_time) VALUES ($id, $type, $payload, $time);";
        command.Parameters.AddWithValue("$id", e.EventId.ToString());
        command.Parameters.AddWithValue("$type", EventCodec.NameOf(e.GetType()));
        command.Parameters.AddWithValue("$payload", EventCodec.Serialize(e));
        command.Parameters.AddWithValue("$time", e.Timestamp.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(SqliteDatabase database, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, event_id, message_type, payload FROM outbox WHERE published = 0 ORDER BY position LIMIT $max;";
        command.Parameters.AddWithValue("$max", max);
        var records = new List<OutboxRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            records.Add(new OutboxRecord(reader.GetInt64(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3)));
        return records;
    }

    /// <summary>Marks records the broker has confirmed: the relay skips them, the history keeps them until pruned.</summary>
    public static Task MarkPublishedAsync(SqliteDatabase database, IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
            return Task.CompletedTask;
        var positions = string.Join(',', records.Select(r => r.Position));
        return database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, $"UPDATE outbox SET published = 1 WHERE position IN ({positions});", cancellationToken, transaction);
            return 0;
        }, cancellationToken);
    }
}
