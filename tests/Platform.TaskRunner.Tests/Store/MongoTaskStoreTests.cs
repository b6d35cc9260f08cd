using MongoDB.Driver;
using Platform.Contracts.Tasks;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>
/// The contract on the production store. Skipped, with the reason, unless MONGODB_URI names a server; each test
/// uses a database of its own and drops it afterwards, so runs never see each other's data.
/// </summary>
public sealed class MongoTaskStoreTests : TaskStoreContract
{
    private IMongoClient? _client;
    private string? _database;

    protected override ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        _client = MongoClients.For(MongoUris.WithShortServerSelection(Requirements.MongoUri()));
        _database = $"platform_tasks_tests_{Guid.NewGuid():N}";
        return ValueTask.FromResult<ITaskStore>(new MongoTaskStore(_client.GetDatabase(_database), Signal));
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_client is not null && _database is not null)
            await _client.DropDatabaseAsync(_database, CancellationToken.None);
    }
}

/// <summary>
/// Without transactions (a standalone server, which the store supports) writes run with no session, and the driver
/// refuses a null session outright, so the store must call its session-less overloads. No server is needed to see
/// which: an uninitialised store takes the same path, and with nothing listening on the port a write that was really
/// issued ends in server selection, never in an argument check.
/// </summary>
public class When_mongodb_task_writes_run_without_a_transaction
{
    private static readonly MongoTaskStore Store = new(
        MongoClients.For("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200").GetDatabase("unreachable"),
        new OutboxSignal());

    private static readonly TaskRecord Sample = TaskSamples.Minimal("team-ns", "web-1");

    private static readonly ExitRecord Exit = new(Sample.Namespace, Sample.ContainerId, null, 1, null, TaskSamples.Epoch);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TaskDeleted Event(long sequence) => new()
    {
        EventId = Guid.NewGuid(), Timestamp = TaskSamples.Epoch, Namespace = Sample.Namespace, Sequence = sequence, ContainerId = Sample.ContainerId, Pid = 0,
    };

    [Fact]
    public async Task Should_issue_the_insert_of_a_create()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Store.CreateAsync(Sample, Event, Ct));
    }

    [Fact]
    public async Task Should_issue_the_replace_of_an_update()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Store.UpdateAsync(Sample with { Version = 2 }, 1, Event, Ct));
    }

    [Fact]
    public async Task Should_issue_the_replace_of_a_recorded_exit()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Store.RecordExitAsync(Sample with { Version = 2 }, 1, Exit, Event, Ct));
    }

    [Fact]
    public async Task Should_issue_the_delete_of_a_delete()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Store.DeleteAsync(Sample.Namespace, Sample.ContainerId, 1, Event, Ct));
    }
}
