using Microsoft.Data.Sqlite;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Store;

/// <summary>The contract on the embedded store: a fresh SQLite file in a temporary folder per test. Always runs.</summary>
public sealed class SqliteContainerStoreTests : ContainerStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-metadata-tests", Guid.NewGuid().ToString("N"));
    private SqliteContainerStore? _store;
    private SqliteCommandOutcomes? _outcomes;

    protected override ICommandOutcomeStore Outcomes => _outcomes ?? throw new InvalidOperationException("the store is not open");

    protected override ValueTask<IContainerStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "metadata.db"));
        _store = new SqliteContainerStore(database, new OutboxSignal());
        _outcomes = new SqliteCommandOutcomes(database, "metadata");
        return ValueTask.FromResult<IContainerStore>(_store);
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
