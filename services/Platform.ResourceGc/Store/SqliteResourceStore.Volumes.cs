using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;

namespace Platform.ResourceGc.Store;

public sealed partial class SqliteResourceStore : IVolumeStore
{
    private const string VolumeSchema = """
        CREATE TABLE IF NOT EXISTS volumes (
            namespace  TEXT NOT NULL,
            name       TEXT NOT NULL,
            labels     TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS volume_users (
            namespace    TEXT NOT NULL,
            name         TEXT NOT NULL,
            container_id TEXT NOT NULL,
            generation   INTEGER NOT NULL,
            PRIMARY KEY (namespace, name, container_id, generation)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS volume_users_container ON volume_users (namespace, container_id);
        """;

    public async Task<VolumeRecord?> GetVolumeAsync(string ns, string name, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        return await GetVolumeAsync(c, null, ns, name, cancellationToken);
    }

    public async Task InsertVolumeAsync(VolumeRecord record, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (c, t) =>
        {
            if (await GetVolumeAsync(c, t, record.Namespace, record.Name, cancellationToken) is not null)
                throw VolumeErrors.Exists(record.Namespace, record.Name);
            await using (var insert = Command(c, t, "INSERT INTO volumes (namespace, name, labels, created_at) VALUES ($ns, $name, $labels, $created);"))
            {
                insert.Parameters.AddWithValue("$ns", record.Namespace);
                insert.Parameters.AddWithValue("$name", record.Name);
                insert.Parameters.AddWithValue("$labels", JsonSerializer.Serialize(record.Labels));
                insert.Parameters.AddWithValue("$created", record.CreatedAt.UtcTicks);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await SqliteOutbox.AppendEventAsync(c, t, "volume", record.Namespace, record.Name, makeEvent, cancellationToken);
            return 0;
        }, cancellationToken);
        signal.Notify();
    }

    public async Task<IReadOnlyList<VolumeRecord>> ListVolumesAsync(string ns, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT namespace, name, labels, created_at FROM volumes WHERE namespace = $ns ORDER BY name;");
        command.Parameters.AddWithValue("$ns", ns);
        var result = new List<VolumeRecord>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
            result.Add(ReadVolume(r));
        return result;
    }

    public async Task<VolumeRecord> RemoveVolumeAsync(string ns, string name, EventFactory makeEvent, CancellationToken cancellationToken)
    {
        var removed = await database.WriteAsync(async (c, t) =>
        {
            var stored = await GetVolumeAsync(c, t, ns, name, cancellationToken) ?? throw VolumeErrors.NotFound(ns, name);
            var users = await VolumeUsersAsync(c, t, ns, name, cancellationToken);
            if (users.Count > 0)
                throw VolumeErrors.InUse(name, users);
            await using (var delete = Command(c, t, "DELETE FROM volumes WHERE namespace = $ns AND name = $name;"))
            {
                delete.Parameters.AddWithValue("$ns", ns);
                delete.Parameters.AddWithValue("$name", name);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            await SqliteOutbox.AppendEventAsync(c, t, "volume", ns, name, makeEvent, cancellationToken);
            return stored;
        }, cancellationToken);
        signal.Notify();
        return removed;
    }

    public Task AddVolumeUserAsync(string ns, string name, string containerId, long generation, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await GetVolumeAsync(c, t, ns, name, cancellationToken) is null)
                throw VolumeErrors.NotFound(ns, name);
            await using var insert = Command(c, t, "INSERT OR IGNORE INTO volume_users (namespace, name, container_id, generation) VALUES ($ns, $name, $id, $gen);");
            insert.Parameters.AddWithValue("$ns", ns);
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$id", containerId);
            insert.Parameters.AddWithValue("$gen", generation);
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task ReleaseVolumeUserAsync(string ns, string containerId, long generation, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var delete = Command(c, t, "DELETE FROM volume_users WHERE namespace = $ns AND container_id = $id AND generation = $gen;");
            delete.Parameters.AddWithValue("$ns", ns);
            delete.Parameters.AddWithValue("$id", containerId);
            delete.Parameters.AddWithValue("$gen", generation);
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<string>> VolumeUsersAsync(string ns, string name, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenReaderAsync(cancellationToken);
        return await VolumeUsersAsync(c, null, ns, name, cancellationToken);
    }

    private static async Task<List<string>> VolumeUsersAsync(SqliteConnection c, SqliteTransaction? t, string ns, string name, CancellationToken ct)
    {
        await using var command = Command(c, t, "SELECT DISTINCT container_id FROM volume_users WHERE namespace = $ns AND name = $name ORDER BY container_id;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$name", name);
        var result = new List<string>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(r.GetString(0));
        return result;
    }

    private static async Task<VolumeRecord?> GetVolumeAsync(SqliteConnection c, SqliteTransaction? t, string ns, string name, CancellationToken ct)
    {
        await using var command = Command(c, t, "SELECT namespace, name, labels, created_at FROM volumes WHERE namespace = $ns AND name = $name;");
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$name", name);
        await using var r = await command.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadVolume(r) : null;
    }

    private static VolumeRecord ReadVolume(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(2))!, new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero));
}
