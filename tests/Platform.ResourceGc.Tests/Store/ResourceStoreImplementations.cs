using MongoDB.Driver;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Store;
using Platform.Testing;

namespace Platform.ResourceGc.Tests.Store;

public sealed class On_sqlite : ResourceStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-resource-store", Guid.NewGuid().ToString("N"));
    private SqliteResourceStore? _store;

    protected override Task<IResourceStore> CreateStoreAsync()
    {
        _store = new SqliteResourceStore(new SqliteDatabase(Path.Combine(_folder, "resources.db")), new OutboxSignal());
        return Task.FromResult<IResourceStore>(_store);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>Runs only where MONGODB_URI points at a replica set; skipped with the reason elsewhere.</summary>
public sealed class On_mongodb : ResourceStoreContract
{
    private readonly string _database = "platform_test_" + Guid.NewGuid().ToString("N")[..12];
    private MongoClient? _client;

    protected override Task<IResourceStore> CreateStoreAsync()
    {
        var uri = Requirements.MongoUri();
        _client = MongoClients.For(uri.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase) ? uri
            : uri + (uri.Contains('?') ? "&" : "?") + "serverSelectionTimeoutMS=5000");
        return Task.FromResult<IResourceStore>(new MongoResourceStore(_client.GetDatabase(_database), new OutboxSignal()));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DropDatabaseAsync(_database);
    }
}
