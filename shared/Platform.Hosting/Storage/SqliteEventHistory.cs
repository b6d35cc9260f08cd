using System.Globalization;
using Microsoft.Data.Sqlite;
using Platform.Common.Errors;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.Storage;

/// <summary>
/// The outbox of a SQLite store (<see cref="SqliteOutbox"/>) read as its event history. Cursors are outbox positions:
/// SQLite commits one writer at a time and allocates positions inside the write, so position order is commit order.
/// </summary>
public static class SqliteEventHistory
{
    private const string Columns = "position, event_id, message_type, payload, event_time";

    public static async Task<IReadOnlyList<HistoryRecord>> ReadAsync(SqliteDatabase database, string? after, DateTimeOffset? since,
        DateTimeOffset? until, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "position > $after" };
        command.Parameters.AddWithValue("$after", PositionOf(after));
        if (since is { } from)
        {
            // Timestamps follow commit order only roughly (an event's time is taken before its write queues), so the scan
            // starts at the first position of any event as late as since (found on the time index), not at a guess.
            where.Add("position >= (SELECT MIN(position) FROM outbox WHERE event_time >= $since)");
            where.Add("event_time >= $since");
            command.Parameters.AddWithValue("$since", from.UtcTicks);
        }
        if (until is { } to)
        {
            where.Add("event_time <= $until");
            command.Parameters.AddWithValue("$until", to.UtcTicks);
        }
        command.CommandText = $"SELECT {Columns} FROM outbox WHERE {string.Join(" AND ", where)} ORDER BY position LIMIT $max;";
        command.Parameters.AddWithValue("$max", max);
        var records = new List<HistoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            records.Add(Read(reader));
        return records;
    }

    public static async Task<HistoryRecord?> FindAsync(SqliteDatabase database, Guid eventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbox WHERE event_id = $id LIMIT 1;";
        command.Parameters.AddWithValue("$id", eventId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public static Task<int> PruneAsync(SqliteDatabase database, DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                DELETE FROM outbox WHERE published = 1 AND event_time < $cutoff;
                DELETE FROM outbox WHERE published = 1 AND position <=
                    (SELECT position FROM outbox WHERE published = 1 ORDER BY position DESC LIMIT 1 OFFSET $keep);
                """;
            command.Parameters.AddWithValue("$cutoff", olderThan.UtcTicks);
            command.Parameters.AddWithValue("$keep", keepAtMost);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private static long PositionOf(string? cursor) =>
        cursor is null ? 0L
        : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position
        : throw PlatformException.InvalidArgument("continuationToken does not name a position of this service's event history; pass the one from the previous page unchanged");

    private static HistoryRecord Read(SqliteDataReader reader) => new(
        reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
        Guid.Parse(reader.GetString(1)),
        reader.GetString(2),
        reader.GetString(3),
        new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero));
}
