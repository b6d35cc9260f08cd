using Platform.Contracts.Tasks;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>
/// What every store's event history must do (the outbox code is shared by all services' stores; the task store stands for
/// them): published events stay, readable in commit order by time range and cursor, until pruned by age or count; pruning
/// never takes an unpublished event, and the relay's pending list stays the unpublished events only.
/// </summary>
public abstract class EventHistoryContract : IAsyncLifetime
{
    private const string Ns = "history-ns";

    private static readonly DateTimeOffset T0 = TaskSamples.Epoch;

    private ITaskStore? _store;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected OutboxSignal Signal { get; } = new();

    private IOutboxStore Outbox => Assert.IsAssignableFrom<IOutboxStore>(_store);

    private IEventHistoryStore History => Assert.IsAssignableFrom<IEventHistoryStore>(_store);

    /// <summary>Opens a new, empty store (not yet initialised). May skip the test when its server is not configured.</summary>
    protected abstract ValueTask<ITaskStore> OpenStoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask CloseStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync(Ct);
        await Assert.IsAssignableFrom<IInitializableStore>(_store).InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates tasks t0..t(n-1), whose events are stamped T0 + i seconds; returns their event ids in commit order.</summary>
    private async Task<List<Guid>> CommitAsync(int count, int first = 0)
    {
        var ids = new List<Guid>();
        for (var i = first; i < first + count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            var task = TaskSamples.Minimal(Ns, $"t{i}");
            var at = T0.AddSeconds(i);
            await _store!.CreateAsync(task, seq => new TaskCreated
            {
                EventId = id, Timestamp = at, Namespace = Ns, Sequence = seq, ContainerId = task.ContainerId, Pid = 0, Runtime = task.Runtime,
            }, Ct);
        }
        return ids;
    }

    private async Task<List<HistoryRecord>> ReadAllAsync(DateTimeOffset? since = null, DateTimeOffset? until = null, int page = 2)
    {
        var all = new List<HistoryRecord>();
        string? cursor = null;
        while (true)
        {
            var batch = await History.ReadHistoryAsync(cursor, since, until, page, Ct);
            all.AddRange(batch);
            if (batch.Count < page)
                return all;
            cursor = batch[^1].Cursor;
        }
    }

    [Fact]
    public async Task Published_events_stay_in_the_history_and_leave_the_relays_pending_list()
    {
        var ids = await CommitAsync(3);
        var pending = await Outbox.ReadPendingAsync(100, Ct);
        Assert.Equal(ids, pending.Select(r => r.EventId));

        await Outbox.MarkPublishedAsync(pending.Take(2).ToList(), Ct);

        Assert.Equal([ids[2]], (await Outbox.ReadPendingAsync(100, Ct)).Select(r => r.EventId));
        var history = await ReadAllAsync();
        Assert.Equal(ids, history.Select(r => r.EventId));
        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2)], history.Select(r => r.Timestamp));
        Assert.Equal(pending.Select(r => (r.MessageType, r.Payload)), history.Select(r => (r.MessageType, r.Payload)));
    }

    [Fact]
    public async Task A_time_range_reads_the_events_inside_it_in_commit_order_page_by_page()
    {
        var ids = await CommitAsync(6);

        var inside = await ReadAllAsync(since: T0.AddSeconds(1), until: T0.AddSeconds(4));

        Assert.Equal(ids[1..5], inside.Select(r => r.EventId));
        Assert.Equal(ids[4..], (await ReadAllAsync(since: T0.AddSeconds(4).AddTicks(-1))).Select(r => r.EventId));
        Assert.Empty(await ReadAllAsync(since: T0.AddSeconds(6)));
    }

    [Fact]
    public async Task An_event_is_found_by_its_id_with_its_place_in_the_order()
    {
        var ids = await CommitAsync(3);

        var found = await History.FindHistoryAsync(ids[1], Ct);

        Assert.NotNull(found);
        Assert.Equal(T0.AddSeconds(1), found.Timestamp);
        Assert.Equal([ids[2]], (await History.ReadHistoryAsync(found.Cursor, null, null, 10, Ct)).Select(r => r.EventId));
        Assert.Null(await History.FindHistoryAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Pruning_removes_published_events_past_the_retention_then_beyond_the_most_kept_but_never_an_unpublished_one()
    {
        var ids = await CommitAsync(6);
        await Outbox.MarkPublishedAsync((await Outbox.ReadPendingAsync(100, Ct)).Take(5).ToList(), Ct);

        Assert.Equal(2, await History.PruneHistoryAsync(olderThan: T0.AddSeconds(2), keepAtMost: 100, Ct));
        Assert.Equal(ids[2..], (await ReadAllAsync()).Select(r => r.EventId));

        Assert.Equal(1, await History.PruneHistoryAsync(olderThan: T0, keepAtMost: 2, Ct));
        Assert.Equal(ids[3..], (await ReadAllAsync()).Select(r => r.EventId));

        Assert.Equal(2, await History.PruneHistoryAsync(olderThan: T0.AddDays(1), keepAtMost: 0, Ct));
        Assert.Equal([ids[5]], (await ReadAllAsync()).Select(r => r.EventId));
        Assert.Equal([ids[5]], (await Outbox.ReadPendingAsync(100, Ct)).Select(r => r.EventId));
    }
}
