using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Contracts.Users;
using Platform.Hosting;
using Platform.Hosting.Storage;

namespace Platform.Metadata.Store;

/// <summary>The embedded user store: the table <c>users</c> in the metadata service's SQLite file (grants as JSON).</summary>
public sealed class SqliteUserStore(SqliteDatabase database) : IUserStore, IInitializableStore
{
    private const string Columns = "name, admin, grants, created_at, updated_at";

    public string Name => "metadata users";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS users (
                    name       TEXT NOT NULL PRIMARY KEY,
                    admin      INTEGER NOT NULL,
                    grants     TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL) WITHOUT ROWID;
                """, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    public async Task<PlatformUser?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<PlatformUser>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<PlatformUser>();
        while (await reader.ReadAsync(cancellationToken))
            users.Add(Read(reader));
        return users;
    }

    public Task<bool> CreateAsync(PlatformUser user, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO users (name, admin, grants, created_at, updated_at) VALUES ($name, $admin, $grants, $created_at, $updated_at) ON CONFLICT (name) DO NOTHING";
            Bind(command, user);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<bool> ReplaceAsync(PlatformUser user, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE users SET admin = $admin, grants = $grants, updated_at = $updated_at WHERE name = $name AND updated_at = $expected";
            Bind(command, user);
            command.Parameters.AddWithValue("$expected", expectedUpdatedAt.UtcTicks);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM users WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    private static void Bind(SqliteCommand command, PlatformUser user)
    {
        command.Parameters.AddWithValue("$name", user.Name);
        command.Parameters.AddWithValue("$admin", user.Admin ? 1 : 0);
        command.Parameters.AddWithValue("$grants", JsonSerializer.Serialize(user.Grants));
        command.Parameters.AddWithValue("$created_at", user.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updated_at", user.UpdatedAt.UtcTicks);
    }

    private static PlatformUser Read(SqliteDataReader r) => new()
    {
        Name = r.GetString(0),
        Admin = r.GetInt64(1) != 0,
        Grants = JsonSerializer.Deserialize<List<UserGrant>>(r.GetString(2))!,
        CreatedAt = new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(r.GetInt64(4), TimeSpan.Zero),
    };
}
