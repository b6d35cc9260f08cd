using Microsoft.Data.Sqlite;
using Platform.Contracts.Containers;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// A SQLite file written before task holds existed: its containers may have live tasks nobody recorded a hold for, so
/// they read as held by an unknown task (their deletion asks the task runner); containers created afterwards start with none.
/// </summary>
public sealed class When_a_metadata_file_predates_task_holds : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-metadata-tests", Guid.NewGuid().ToString("N"));
    private SqliteContainerStore? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "metadata.db");
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(Ct);
            await SqliteDatabase.ExecuteAsync(old, """
                CREATE TABLE containers (
                    namespace TEXT NOT NULL, id TEXT NOT NULL, labels TEXT NOT NULL, image TEXT, runtime_name TEXT NOT NULL,
                    runtime_options TEXT, spec TEXT NOT NULL, snapshotter TEXT, snapshot_key TEXT, extensions TEXT NOT NULL,
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL,
                    PRIMARY KEY (namespace, id)) WITHOUT ROWID;
                INSERT INTO containers VALUES ('team-ns', 'old', '{}', NULL, 'runc', NULL, '{}', NULL, NULL, '{}', 1, 1, 1);
                """, Ct);
        }
        SqliteConnection.ClearAllPools();
        _store = new SqliteContainerStore(new SqliteDatabase(path), new OutboxSignal());
        await _store.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Should_count_its_containers_as_held_by_an_unknown_task_and_new_ones_as_held_by_none()
    {
        var (old, hold) = (await _store!.GetWithHoldAsync("team-ns", "old", Ct))!.Value;
        Assert.Equal("old", old.Id);
        Assert.Equal(TaskHold.Unknown, hold);

        var fresh = Samples.Container("team-ns", "new");
        await _store.CreateAsync(fresh, seq => new ContainerCreated
        {
            EventId = Guid.NewGuid(), Timestamp = fresh.CreatedAt, Namespace = "team-ns", Sequence = seq, Container = fresh,
        }, Ct);
        Assert.Equal(TaskHold.None, (await _store.GetWithHoldAsync("team-ns", "new", Ct))!.Value.Hold);

        EventFactory deleted = seq => new ContainerDeleted { EventId = Guid.NewGuid(), Timestamp = fresh.CreatedAt, Namespace = "team-ns", Sequence = seq, Id = "old" };
        Assert.False(await _store.DeleteAsync("team-ns", "old", 1, TaskHold.None, deleted, Ct));
        Assert.True(await _store.DeleteAsync("team-ns", "old", 1, TaskHold.Unknown, deleted, Ct));
    }
}
