using MongoDB.Driver;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Platform.Testing;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>The history contract on MongoDB: skipped, with the reason, unless MONGODB_URI names a server.</summary>
public sealed class MongoEventHistoryTests : EventHistoryContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoUris.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_history_tests_{Guid.NewGuid():N}";
        return ValueTask.FromResult<ITaskStore>(new MongoTaskStore(_client.GetDatabase(_database), Signal));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}
