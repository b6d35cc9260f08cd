using Microsoft.Data.Sqlite;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>The contract on the embedded store: a fresh SQLite file in a temporary folder per test. Always runs.</summary>
public sealed class SqliteRestartStoreTests : RestartStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    protected override ValueTask<IRestartStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "tasks.db"));
        return ValueTask.FromResult<IRestartStore>(new SqliteRestartStore(_database));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
