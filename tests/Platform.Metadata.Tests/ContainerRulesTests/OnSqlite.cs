using Microsoft.Data.Sqlite;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>The rules end to end through the real embedded store: what is read back and relayed, not just returned.</summary>
public sealed class When_the_service_runs_on_the_sqlite_store : IAsyncLifetime
{
    private const string Ns = "team-ns";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-metadata-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(Samples.Epoch);
    private SqliteContainerStore _store = null!;
    private ContainerService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteContainerStore(new SqliteDatabase(Path.Combine(_folder, "metadata.db")), new OutboxSignal());
        await _store.InitializeAsync(Ct);
        _service = new ContainerService(_store, new NoReferences(), new NoTasks(), NoCollaborators.Policy, _clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ContainerService>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<IReadOnlyList<IPlatformEvent>> RelayedAsync() =>
        [.. (await _store.ReadPendingAsync(100, Ct)).Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)];

    [Fact]
    public async Task Should_store_and_relay_a_masked_update_of_the_stored_container()
    {
        var created = await _service.CreateAsync(Samples.CreateRequest("web-1", Ns), privileged: true, Ct);
        _clock.Advance(TimeSpan.FromTicks(12_345));

        await _service.UpdateAsync(new UpdateContainer
        {
            Namespace = Ns,
            Id = "web-1",
            UpdateMask = ["snapshotkey", "labels.example.com/owner"],
            SnapshotKey = "moved",
            Image = "ignored: not in the mask",
        }, privileged: true, Ct);

        var expected = created with
        {
            SnapshotKey = "moved",
            Labels = new Dictionary<string, string> { ["env"] = "prod" },
            UpdatedAt = Samples.Epoch.AddTicks(12_345),
            Version = 2,
        };
        ContainerAssert.Same(expected, await _service.GetAsync(new GetContainer { Namespace = Ns, Id = "web-1" }, Ct));
        var events = await RelayedAsync();
        Assert.Equal([typeof(ContainerCreated), typeof(ContainerUpdated)], events.Select(e => e.GetType()));
        var updated = Assert.IsType<ContainerUpdated>(events[1]);
        Assert.Equal("web-1-snapshot", updated.PreviousSnapshotKey);
        Assert.Equal(expected.UpdatedAt, updated.Timestamp);
        ContainerAssert.Same(expected, updated.Container);
    }

    [Fact]
    public async Task Should_page_a_filtered_list_with_continuation_tokens()
    {
        foreach (var id in new[] { "e", "a", "d", "b", "c", "f" })
        {
            var labels = new Dictionary<string, string> { ["keep"] = id is "b" or "e" ? "" : "yes" };
            await _service.CreateAsync(Samples.CreateRequest(id, Ns) with { Labels = labels }, privileged: true, Ct);
        }
        var seen = new List<string>();
        string? token = null;
        var pages = 0;

        do
        {
            var page = await _service.ListAsync(new ListContainers { Namespace = Ns, Filters = ["labels.keep==yes"], Limit = 2, ContinuationToken = token }, Ct);
            seen.AddRange(page.Containers.Select(c => c.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(["a", "c", "d", "f"], seen);
        Assert.Equal(2, pages);
    }
}
