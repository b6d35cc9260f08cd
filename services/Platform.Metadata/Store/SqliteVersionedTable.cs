using System.Text;
using Microsoft.Data.Sqlite;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;

namespace Platform.Metadata.Store;

/// <summary>
/// What the SQLite container and image stores share: a table of versioned rows keyed by (namespace, key), with labels as
/// a JSON column, listed in key order with paging, and written with their event in one transaction through the outbox
/// table and per-object sequences. Simple equality and presence selectors of a single filter are pushed into SQL to
/// narrow the scan, and the full filter is always evaluated on what SQL returns, so pushdown is only an optimisation,
/// never a second semantics. Each store keeps its own schema, columns and row mapping.
/// </summary>
internal sealed class SqliteVersionedTable<T>(
    SqliteDatabase database,
    OutboxSignal signal,
    string table,
    string kind,
    IReadOnlyList<string> columns,
    Func<T, (string Namespace, string Key)> keyOf,
    Action<SqliteCommand, T> bind,
    Func<SqliteDataReader, T> read,
    Func<IReadOnlyList<string>, string?> columnOf,
    Func<FilterSet, T, bool> matches,
    Func<string, string, PlatformException> alreadyExists)
    where T : class
{
    // The first column is the namespace, the second the key; rows read back in this order, and bind names each
    // parameter after its column ("$" + column).
    private readonly string _key = columns[1];
    private readonly string _select = $"SELECT {string.Join(", ", columns)} FROM {table}";
    private readonly string _insert = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))});";
    private readonly string _update = $"UPDATE {table} SET {string.Join(", ", columns.Skip(2).Select(c => $"{c} = ${c}"))} WHERE namespace = $namespace AND {columns[1]} = ${columns[1]} AND version = $expected;";
    private readonly string _delete = $"DELETE FROM {table} WHERE namespace = $namespace AND {columns[1]} = ${columns[1]} AND version = $expected;";

    public async Task<T?> GetAsync(string @namespace, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"{_select} WHERE namespace = $namespace AND {_key} = ${_key};";
        command.Parameters.AddWithValue("$namespace", @namespace);
        command.Parameters.AddWithValue("$" + _key, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    /// <summary>One page of the namespace's rows that match, in key order after <paramref name="after"/>.</summary>
    public async Task<(IReadOnlyList<T> Items, string? After)> ListAsync(string @namespace, FilterSet filters, int limit, string? after,
        CancellationToken cancellationToken)
    {
        var page = new PageCollector<T>(limit, item => matches(filters, item), item => keyOf(item).Key);
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"{_select} WHERE namespace = $namespace AND {_key} > $after");
        command.Parameters.AddWithValue("$namespace", @namespace);
        command.Parameters.AddWithValue("$after", after ?? "");
        AddPushdown(filters, sql, command);
        sql.Append($" ORDER BY {_key};");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken) && page.Offer(read(reader)))
        {
        }
        return (page.Items, page.After);
    }

    /// <param name="outcome">The command's outcome, recorded in the same transaction (see <see cref="CommandOnce"/>); null for none.</param>
    public async Task CreateAsync(T item, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        var (ns, key) = keyOf(item);
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = _insert;
                bind(command, item);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await SqliteOutbox.AppendEventAsync(connection, transaction, kind, ns, key, makeEvent, cancellationToken);
                if (outcome is not null)
                    await SqliteCommandOutcomes.RecordAsync(connection, transaction, outcome, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw alreadyExists(ns, key);
        }
        signal.Notify();
    }

    public Task<bool> UpdateAsync(T item, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
    {
        var (ns, key) = keyOf(item);
        return WriteIfVersionAsync(_update, ns, key, expectedVersion, command => bind(command, item), makeEvent, outcome, cancellationToken);
    }

    public Task<bool> DeleteAsync(string @namespace, string key, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        DeleteAsync(@namespace, key, expectedVersion, null, makeEvent, cancellationToken, outcome);

    /// <param name="condition">Optional: one more column the row must still hold, ANDed with the version check.</param>
    public Task<bool> DeleteAsync(string @namespace, string key, long expectedVersion, (string Column, object Value)? condition, EventFactory makeEvent,
        CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        WriteIfVersionAsync(condition is { } c ? _delete.Replace(";", $" AND {c.Column} = $condition;") : _delete, @namespace, key, expectedVersion, command =>
        {
            command.Parameters.AddWithValue("$namespace", @namespace);
            command.Parameters.AddWithValue("$" + _key, key);
            if (condition is { } c)
                command.Parameters.AddWithValue("$condition", c.Value);
        }, makeEvent, outcome, cancellationToken);

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        SqliteOutbox.ReadPendingAsync(database, max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        SqliteOutbox.MarkPublishedAsync(database, records, cancellationToken);

    // Writes nothing, not even the event, when the row changed or vanished since it was read at the expected version.
    private async Task<bool> WriteIfVersionAsync(string sql, string @namespace, string key, long expectedVersion, Action<SqliteCommand> bindRow,
        EventFactory makeEvent, CommandOutcome? outcome, CancellationToken cancellationToken)
    {
        var written = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            bindRow(command);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, kind, @namespace, key, makeEvent, cancellationToken);
            if (outcome is not null)
                await SqliteCommandOutcomes.RecordAsync(connection, transaction, outcome, cancellationToken);
            return true;
        }, cancellationToken);
        if (written)
            signal.Notify();
        return written;
    }

    /// <summary>
    /// Narrows the scan with the equality and presence selectors SQL can test exactly. Only when there is a
    /// single filter: with several (OR), a selector of one filter says nothing about rows the others match.
    /// </summary>
    private void AddPushdown(FilterSet filters, StringBuilder sql, SqliteCommand command)
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

    private string? ColumnOf(IReadOnlyList<string> path) => path switch
    {
        ["labels", _, ..] => LabelJsonPath(path) is { } jsonPath ? $"json_extract(labels, '{jsonPath}')" : null,
        _ => columnOf(path),
    };

    // Label keys become JSON path members; keys that would need escaping are simply not pushed down.
    private static string? LabelJsonPath(IReadOnlyList<string> path)
    {
        var key = string.Join('.', path.Skip(1));
        return key.Any(ch => ch is '"' or '\'' or '\\' || char.IsControl(ch)) ? null : $"$.\"{key}\"";
    }
}
