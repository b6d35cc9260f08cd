using Microsoft.Data.Sqlite;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>The contract on the embedded store: a fresh SQLite file in a temporary folder per test. Always runs.</summary>
public sealed class SqliteTaskStoreTests : TaskStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));
    private SqliteTaskStore? _store;

    protected override ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _store = new SqliteTaskStore(new SqliteDatabase(Path.Combine(_folder, "tasks.db")), Signal);
        return ValueTask.FromResult<ITaskStore>(_store);
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        // Pooled reader connections would keep the file open; release them so the folder really goes.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
