using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.Common.Filters;
using Platform.Contracts.Images;
using Platform.Hosting;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Images;

namespace Platform.Metadata.Store;

/// <summary>
/// The embedded image store: the table <c>images</c> in the metadata service's SQLite file, beside <c>containers</c>.
/// It writes its events into that file's outbox table, so the relay that reads the container store's outbox relays
/// image events too; it does not own the file (the container store disposes it). As there, the
/// <see cref="SqliteVersionedTable{T}"/> reads, lists and writes; this class keeps the schema and the row mapping.
/// </summary>
public sealed class SqliteImageStore(SqliteDatabase database, OutboxSignal signal)
    : IImageStore, IOutboxStore, IInitializableStore
{
    // Rows read back in this order (see Read).
    private static readonly string[] Columns =
        ["namespace", "name", "target_media_type", "target_digest", "target_size", "labels", "created_at", "updated_at", "version"];

    private readonly SqliteDatabase _database = database;
    private readonly SqliteVersionedTable<Image> _images = new(
        database, signal, table: "images", kind: "image", Columns,
        i => (i.Namespace, i.Name), Bind, Read, ColumnOf, (filters, i) => filters.Match(new ImageFields(i)), ImageRules.AlreadyExists);

    public string Name => "metadata images";

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
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
                """ + SqliteOutbox.Schema + SqliteCommandOutcomes.Schema, cancellationToken, transaction);
            await SqliteOutbox.MigrateAsync(connection, transaction, cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<Image?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _images.GetAsync(@namespace, name, cancellationToken);

    public async Task<ImagePage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken)
    {
        var (images, next) = await _images.ListAsync(@namespace, filters, limit, after, cancellationToken);
        return new ImagePage(images, next);
    }

    public Task CreateAsync(Image image, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
        _images.CreateAsync(image, makeEvent, cancellationToken, outcome);

    public Task<bool> UpdateAsync(Image image, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _images.UpdateAsync(image, expectedVersion, makeEvent, cancellationToken, outcome);

    public Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null) =>
        _images.DeleteAsync(@namespace, name, expectedVersion, makeEvent, cancellationToken, outcome);

    // The same outbox table as the container store's: tests read it here; the service registers only one relay source.
    public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
        _images.ReadPendingAsync(max, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
        _images.MarkPublishedAsync(records, cancellationToken);

    // The columns SQL can test exactly, besides labels (which the table handles).
    private static string? ColumnOf(IReadOnlyList<string> path) => path switch
    {
        ["name"] => "name",
        ["target", "digest"] => "target_digest",
        ["target", "mediatype"] => "target_media_type",
        _ => null,
    };

    private static void Bind(SqliteCommand command, Image i)
    {
        command.Parameters.AddWithValue("$namespace", i.Namespace);
        command.Parameters.AddWithValue("$name", i.Name);
        command.Parameters.AddWithValue("$target_media_type", i.Target.MediaType);
        command.Parameters.AddWithValue("$target_digest", i.Target.Digest);
        command.Parameters.AddWithValue("$target_size", i.Target.Size);
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
