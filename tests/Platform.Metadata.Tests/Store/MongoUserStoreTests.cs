using MongoDB.Driver;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Testing;

namespace Platform.Metadata.Tests.Store;

/// <summary>The user contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server.</summary>
public sealed class MongoUserStoreTests : UserStoreContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<IUserStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoContainerStoreTests.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_metadata_tests_{Guid.NewGuid():N}";
        return ValueTask.FromResult<IUserStore>(new MongoUserStore(_client.GetDatabase(_database)));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}
