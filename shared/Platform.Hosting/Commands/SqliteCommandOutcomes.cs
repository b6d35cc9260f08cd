using Microsoft.Data.Sqlite;
using Platform.Hosting.Storage;

namespace Platform.Hosting.Commands;

/// <summary>The command outcome table of one SQLite database, beside its outbox (see <see cref="SqliteOutbox"/>).</summary>
public sealed class SqliteCommandOutcomes(SqliteDatabase database, string name) : ICommandOutcomeStore, IInitializableStore
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS command_outcomes (
            command_id  TEXT NOT NULL PRIMARY KEY,
            command     TEXT NOT NULL,
            subject     TEXT NOT NULL,
            result      TEXT NOT NULL,
            recorded_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS command_outcomes_recorded_at ON command_outcomes (recorded_at);
        """;

    public string Name => name;

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, Schema, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    /// <summary>Records <paramref name="outcome"/> in the caller's transaction; a second record of one command id fails the transaction.</summary>
    public static async Task RecordAsync(SqliteConnection connection, SqliteTransaction transaction, CommandOutcome outcome,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO command_outcomes (command_id, command, subject, result, recorded_at)
            VALUES ($id, $command, $subject, $result, $at);
            """;
        command.Parameters.AddWithValue("$id", outcome.CommandId.ToString("D"));
        command.Parameters.AddWithValue("$command", outcome.Command);
        command.Parameters.AddWithValue("$subject", outcome.Subject);
        command.Parameters.AddWithValue("$result", outcome.Result);
        command.Parameters.AddWithValue("$at", outcome.RecordedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task RecordAsync(CommandOutcome outcome, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await RecordAsync(connection, transaction, outcome, cancellationToken);
            return 0;
        }, cancellationToken);

    public async Task<CommandOutcome?> FindAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT command, subject, result, recorded_at FROM command_outcomes WHERE command_id = $id;";
        command.Parameters.AddWithValue("$id", commandId.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CommandOutcome(commandId, reader.GetString(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero))
            : null;
    }

    public Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM command_outcomes WHERE recorded_at < $before;";
            command.Parameters.AddWithValue("$before", before.UtcTicks);
            return (long)await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
