using MongoDB.Driver;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tests.Store;
using Platform.Testing;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>The contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server; a database per test, dropped afterwards.</summary>
public sealed class MongoNetworkStoreTests : NetworkStoreContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<(INetworkStore Networks, ITaskStore Tasks)> OpenStoresAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoUris.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_networks_tests_{Guid.NewGuid():N}";
        var database = _client.GetDatabase(_database);
        return ValueTask.FromResult<(INetworkStore, ITaskStore)>((new MongoNetworkStore(database, Signal), new MongoTaskStore(database, new OutboxSignal())));
    }

    protected override async ValueTask CloseStoresAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}
