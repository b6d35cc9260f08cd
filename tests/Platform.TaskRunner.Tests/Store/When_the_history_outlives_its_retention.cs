using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Contracts.Tasks;
using Platform.Hosting.History;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>
/// The pruner reads the clock from its TimeProvider: a published event goes once it is older than
/// <c>Events:History:Retention</c> by that clock, an unpublished one never.
/// </summary>
public sealed class When_the_history_outlives_its_retention : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-taskrunner-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(TaskSamples.Epoch);
    private readonly SqliteTaskStore _store;

    public When_the_history_outlives_its_retention() =>
        _store = new SqliteTaskStore(new SqliteDatabase(Path.Combine(_folder, "tasks.db")), new OutboxSignal());

    private async Task<Guid> CommitAsync(string id)
    {
        var eventId = Guid.NewGuid();
        var task = TaskSamples.Minimal("ns", id);
        var at = _time.GetUtcNow();
        await _store.CreateAsync(task, seq => new TaskCreated
        {
            EventId = eventId, Timestamp = at, Namespace = "ns", Sequence = seq, ContainerId = id, Pid = 0, Runtime = task.Runtime,
        }, Ct);
        return eventId;
    }

    [Fact]
    public async Task Published_events_older_than_the_retention_are_pruned_by_the_providers_clock()
    {
        await _store.InitializeAsync(Ct);
        var pruner = new EventHistoryPruner([_store], _time, Options.Create(new EventHistoryOptions { Retention = TimeSpan.FromHours(24) }),
            NullLogger<EventHistoryPruner>.Instance);
        var old = await CommitAsync("old");
        var unpublished = await CommitAsync("unpublished");
        await _store.MarkPublishedAsync([.. (await _store.ReadPendingAsync(10, Ct)).Where(r => r.EventId == old)], Ct);
        _time.Advance(TimeSpan.FromHours(23));
        var recent = await CommitAsync("recent");
        await _store.MarkPublishedAsync([.. (await _store.ReadPendingAsync(10, Ct)).Where(r => r.EventId == recent)], Ct);

        Assert.Equal(0, await pruner.PruneAsync(Ct));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await pruner.PruneAsync(Ct));

        Assert.Equal([unpublished, recent], (await _store.ReadHistoryAsync(null, null, null, 10, Ct)).Select(r => r.EventId));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
