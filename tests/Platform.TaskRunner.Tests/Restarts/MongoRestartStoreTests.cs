using MongoDB.Driver;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Tasks.Restarts;
using Platform.TaskRunner.Tests.Store;
using Platform.Testing;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>The contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server; a database per test, dropped afterwards.</summary>
public sealed class MongoRestartStoreTests : RestartStoreContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<IRestartStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoUris.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_restarts_tests_{Guid.NewGuid():N}";
        return ValueTask.FromResult<IRestartStore>(new MongoRestartStore(_client.GetDatabase(_database)));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}
