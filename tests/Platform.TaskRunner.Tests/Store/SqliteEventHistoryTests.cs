using Microsoft.Data.Sqlite;
using Platform.Contracts.Tasks;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>The history contract on the embedded store, plus what only SQLite has: the relay's index, and old files.</summary>
public sealed class SqliteEventHistoryTests : EventHistoryContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));
    private SqliteTaskStore? _store;

    private string File => Path.Combine(_folder, "tasks.db");

    protected override ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _store = new SqliteTaskStore(new SqliteDatabase(File), Signal);
        return ValueTask.FromResult<ITaskStore>(_store);
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private async Task<string> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={File}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var plan = new List<string>();
        while (await reader.ReadAsync(Ct))
            plan.Add(reader.GetString(3));
        return string.Join("; ", plan);
    }

    [Fact]
    public async Task The_relay_reads_unpublished_events_through_an_index_that_holds_nothing_else()
    {
        var plan = await PlanAsync("SELECT position, event_id, message_type, payload FROM outbox WHERE published = 0 ORDER BY position LIMIT 500;");

        Assert.Contains("outbox_pending", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    [Fact]
    public async Task An_outbox_written_before_the_history_is_upgraded_and_its_pending_events_still_relay()
    {
        await _store!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.File.Delete(File);
        var old = Guid.NewGuid();
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            await connection.OpenAsync(Ct);
            await SqliteDatabase.ExecuteAsync(connection, $"""
                CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, message_type TEXT NOT NULL, payload TEXT NOT NULL);
                INSERT INTO outbox (event_id, message_type, payload) VALUES ('{old}', 'urn:message:platform:tasks:TaskDeleted', '{"{}"}');
                """, Ct);
        }
        SqliteConnection.ClearAllPools();
        var store = new SqliteTaskStore(new SqliteDatabase(File), Signal);
        _store = store;
        await store.InitializeAsync(Ct);
        var task = TaskSamples.Minimal("ns", "new");
        await store.CreateAsync(task, seq => new TaskCreated
        {
            EventId = Guid.NewGuid(), Timestamp = TaskSamples.Epoch, Namespace = "ns", Sequence = seq, ContainerId = "new", Pid = 0, Runtime = task.Runtime,
        }, Ct);

        var pending = await ((IOutboxStore)store).ReadPendingAsync(10, Ct);

        Assert.Equal(2, pending.Count);
        Assert.Equal(old, pending[0].EventId);
        Assert.Contains("outbox_pending", await PlanAsync("SELECT position FROM outbox WHERE published = 0 ORDER BY position LIMIT 1;"));
    }
}
