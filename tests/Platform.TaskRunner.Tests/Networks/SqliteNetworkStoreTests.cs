using Microsoft.Data.Sqlite;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>The contract on the embedded store: a fresh SQLite file in a temporary folder per test. Always runs.</summary>
public sealed class SqliteNetworkStoreTests : NetworkStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));
    private SqliteTaskStore? _tasks;

    protected override ValueTask<(INetworkStore Networks, ITaskStore Tasks)> OpenStoresAsync(CancellationToken cancellationToken)
    {
        // One database shared by both stores, as TaskDatabase shares it in the runner: writes queue on it.
        var database = new SqliteDatabase(Path.Combine(_folder, "tasks.db"));
        _tasks = new SqliteTaskStore(database, new OutboxSignal());
        return ValueTask.FromResult<(INetworkStore, ITaskStore)>((new SqliteNetworkStore(database, Signal), _tasks));
    }

    protected override async ValueTask CloseStoresAsync()
    {
        if (_tasks is not null)
            await _tasks.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
