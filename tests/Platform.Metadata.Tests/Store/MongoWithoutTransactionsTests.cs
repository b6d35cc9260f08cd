using Platform.Contracts.Containers;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// Without transactions (a standalone server, which the store says it supports) writes run with no session.
/// The driver refuses a null session outright, so the store must call its session-less overloads. No server is
/// needed to see which: an uninitialised store takes the same path, and with nothing listening on the port a
/// write that was really issued ends in server selection, never in an argument check.
/// </summary>
public class When_mongodb_writes_run_without_a_transaction
{
    private static readonly MongoContainerStore Store = new(
        MongoClients.For("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200").GetDatabase("unreachable"),
        new OutboxSignal());

    private static readonly Container Sample = Samples.Minimal("team-ns", "web-1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ContainerCreated Event(long sequence) => new()
    {
        EventId = Guid.NewGuid(), Timestamp = Sample.CreatedAt, Namespace = Sample.Namespace, Sequence = sequence, Container = Sample,
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
    public async Task Should_issue_the_delete_of_a_delete()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Store.DeleteAsync(Sample.Namespace, Sample.Id, 1, TaskHold.None, Event, Ct));
    }
}
