using MongoDB.Driver;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Testing;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// The image contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server; each test
/// uses a database of its own and drops it afterwards.
/// </summary>
public sealed class MongoImageStoreTests : ImageStoreContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<IImageStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoContainerStoreTests.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_metadata_tests_{Guid.NewGuid():N}";
        return ValueTask.FromResult<IImageStore>(new MongoImageStore(_client.GetDatabase(_database), new OutboxSignal()));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}
