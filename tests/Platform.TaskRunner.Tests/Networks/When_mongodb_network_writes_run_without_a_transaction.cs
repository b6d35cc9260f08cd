using MongoDB.Driver;
using Platform.Contracts.Networks;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Without transactions the network store must call the driver's session-less overloads (a null session is refused
/// outright). No server is needed to see which: an uninitialised store takes that path, and with nothing listening a
/// write that was really issued ends in server selection, never in an argument check.
/// </summary>
public class When_mongodb_network_writes_run_without_a_transaction
{
    private static readonly MongoNetworkStore Store = new(
        MongoClients.For("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200").GetDatabase("unreachable"),
        new OutboxSignal());

    private static readonly NetworkRecord Sample = new()
    {
        Namespace = "team-ns", Name = "appnet", Id = new string('a', 64), Subnet = "10.89.0.0/24", Gateway = "10.89.0.1", Bridge = "plataaaaaaaa",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NetworkRemoved Event(long sequence) => new()
    {
        EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UnixEpoch, Namespace = Sample.Namespace, Sequence = sequence, Name = Sample.Name, Id = Sample.Id,
    };

    [Fact]
    public async Task Should_issue_the_insert_of_a_create() =>
        await Assert.ThrowsAsync<TimeoutException>(() => Store.InsertAsync(Sample, Event, Ct));

    [Fact]
    public async Task Should_issue_the_delete_of_a_remove() =>
        await Assert.ThrowsAsync<TimeoutException>(() => Store.DeleteAsync(Sample.Namespace, Sample.Name, Sample.Id, Event, Ct));
}
