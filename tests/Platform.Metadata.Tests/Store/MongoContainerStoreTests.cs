using MongoDB.Driver;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Testing;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// The contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server; each test
/// uses a database of its own and drops it afterwards, so runs never see each other's data.
/// </summary>
public sealed class MongoContainerStoreTests : ContainerStoreContract
{
    private IMongoClient? _client;
    private string? _database;
    private MongoCommandOutcomes? _outcomes;

    protected override ICommandOutcomeStore Outcomes => _outcomes ?? throw new InvalidOperationException("the store is not open");

    protected override ValueTask<IContainerStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_metadata_tests_{Guid.NewGuid():N}";
        _outcomes = new MongoCommandOutcomes(_client.GetDatabase(_database), "metadata");
        return ValueTask.FromResult<IContainerStore>(new MongoContainerStore(_client.GetDatabase(_database), new OutboxSignal()));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }

    /// <summary>A server that is configured but down should fail a test in seconds, not after the driver's 30.</summary>
    internal static string WithShortServerSelection(string uri)
    {
        if (uri.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
            return uri;
        if (uri.Contains('?'))
            return uri + "&serverSelectionTimeoutMS=5000";
        // Options need the '/' that ends the host list: mongodb://host/?options.
        var hosts = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        return uri + (uri.IndexOf('/', hosts) < 0 ? "/" : "") + "?serverSelectionTimeoutMS=5000";
    }
}

public class When_the_mongodb_uri_sets_no_server_selection_timeout
{
    [Theory]
    [InlineData("mongodb://db:27017", "mongodb://db:27017/?serverSelectionTimeoutMS=5000")]
    [InlineData("mongodb://db:27017/", "mongodb://db:27017/?serverSelectionTimeoutMS=5000")]
    [InlineData("mongodb://db/?replicaSet=rs0", "mongodb://db/?replicaSet=rs0&serverSelectionTimeoutMS=5000")]
    [InlineData("mongodb://a:1,b:2/admin", "mongodb://a:1,b:2/admin?serverSelectionTimeoutMS=5000")]
    [InlineData("mongodb://db/?serverSelectionTimeoutMS=900", "mongodb://db/?serverSelectionTimeoutMS=900")]
    public void Should_add_a_short_one_and_keep_one_already_set(string uri, string expected)
    {
        var shortened = MongoContainerStoreTests.WithShortServerSelection(uri);

        Assert.Equal(expected, shortened);
        Assert.Equal(TimeSpan.FromMilliseconds(expected.Contains("=900") ? 900 : 5000), MongoClientSettings.FromConnectionString(shortened).ServerSelectionTimeout);
    }
}
