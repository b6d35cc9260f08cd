using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Hosting;
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
    : IContainerStore, IOutboxStore, IInitializableStore, IAsyncDisposable
{
    // Rows read back in this order (see Read).
    private static readonly string[] Columns =
        ["namespace", "id", "labels", "image", "runtime_name", "runtime_options", "spec", "snapshotter", "snapshot_key", "extensions", "created_at", "updated_at", "version"];

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
                    PRIMARY KEY (namespace, id)) WITHOUT ROWID;
                """ + SqliteOutbox.Schema, cancellationToken, transaction);
            return 0;
        }, cancellationToken);

    public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        _containers.GetAsync(@namespace, id, cancellationToken);

    public async Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var (containers, next) = await _containers.ListAsync(@namespace, filters, limit, after, cancellationToken);
        return new ContainerPage(containers, next);
    }

    public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken) =>
        _containers.CreateAsync(container, makeEvent, cancellationToken);

    public Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken) =>
        _containers.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken);

    public Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken) =>
        _containers.DeleteAsync(@namespace, id, expectedVersion, makeEvent, cancellationToken);

    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _containers.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _containers.MarkPublishedAsync(records, cancellationToken);

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
