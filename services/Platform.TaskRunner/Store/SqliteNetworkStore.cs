using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Networks;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The embedded network store: the table <c>networks</c> in the runner's SQLite file, beside the tasks and their outbox
/// (whose relay, the task store, publishes these events too). Times are UTC ticks; labels a JSON column.
/// </summary>
public sealed class SqliteNetworkStore(SqliteDatabase database, OutboxSignal signal) : INetworkStore, IInitializableStore
{
    private const string Kind = "network";
    private const string Columns = "namespace, name, id, driver, subnet, gateway, bridge, labels, created_at";

    public string Name => "networks";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SqliteDatabase.ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS networks (
                    namespace  TEXT NOT NULL,
                    name       TEXT NOT NULL,
                    id         TEXT NOT NULL UNIQUE,
                    driver     TEXT NOT NULL,
                    subnet     TEXT NOT NULL,
                    gateway    TEXT NOT NULL,
                    bridge     TEXT NOT NULL UNIQUE,
                    labels     TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (namespace, name)) WITHOUT ROWID;
                """ + SqliteOutbox.Schema, cancellationToken, transaction);
            await SqliteOutbox.MigrateAsync(connection, transaction, cancellationToken);
            return 0;
        }, cancellationToken);

    public async Task<NetworkRecord?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM networks WHERE namespace = $ns AND name = $name;";
        command.Parameters.AddWithValue("$ns", @namespace);
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<NetworkRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (@namespace is null)
        {
            command.CommandText = $"SELECT {Columns} FROM networks ORDER BY namespace, name;";
        }
        else
        {
            command.CommandText = $"SELECT {Columns} FROM networks WHERE namespace = $ns ORDER BY name;";
            command.Parameters.AddWithValue("$ns", @namespace);
        }
        var networks = new List<NetworkRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            networks.Add(Read(reader));
        return networks;
    }

    public async Task InsertAsync(NetworkRecord network, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = $"INSERT INTO networks ({Columns}) VALUES ($ns, $name, $id, $driver, $subnet, $gateway, $bridge, $labels, $created_at);";
                    insert.Parameters.AddWithValue("$ns", network.Namespace);
                    insert.Parameters.AddWithValue("$name", network.Name);
                    insert.Parameters.AddWithValue("$id", network.Id);
                    insert.Parameters.AddWithValue("$driver", network.Driver);
                    insert.Parameters.AddWithValue("$subnet", network.Subnet);
                    insert.Parameters.AddWithValue("$gateway", network.Gateway);
                    insert.Parameters.AddWithValue("$bridge", network.Bridge);
                    insert.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(network.Labels));
                    insert.Parameters.AddWithValue("$created_at", network.CreatedAt.UtcTicks);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, network.Namespace, network.Name, makeEvent, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw NetworkStoreChecks.AlreadyExists(network);
        }
        signal.Notify();
    }

    public async Task<bool> DeleteAsync(string @namespace, string name, string id, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM networks WHERE namespace = $ns AND name = $name AND id = $id;";
            command.Parameters.AddWithValue("$ns", @namespace);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$id", id);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
            await SqliteOutbox.AppendEventAsync(connection, transaction, Kind, @namespace, name, makeEvent, cancellationToken);
            return true;
        }, cancellationToken);
        if (deleted)
            signal.Notify();
        return deleted;
    }

    private static NetworkRecord Read(SqliteDataReader r) => new()
    {
        Namespace = r.GetString(0),
        Name = r.GetString(1),
        Id = r.GetString(2),
        Driver = r.GetString(3),
        Subnet = r.GetString(4),
        Gateway = r.GetString(5),
        Bridge = r.GetString(6),
        Labels = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? [],
        CreatedAt = new DateTimeOffset(r.GetInt64(8), TimeSpan.Zero),
    };
}
