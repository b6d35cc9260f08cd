using Microsoft.Data.Sqlite;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Store;

/// <summary>The user contract on the embedded store. Always runs.</summary>
public sealed class SqliteUserStoreTests : UserStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-metadata-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    protected override ValueTask<IUserStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _database = new SqliteDatabase(Path.Combine(_folder, "metadata.db"));
        return ValueTask.FromResult<IUserStore>(new SqliteUserStore(_database));
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
