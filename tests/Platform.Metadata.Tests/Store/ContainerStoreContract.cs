using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// What every <see cref="IContainerStore"/> must do, whatever the database: each subclass opens a fresh, empty
/// store per test. The outbox assertions hold for the store's <see cref="IOutboxStore"/> side, which the relay reads.
/// </summary>
public abstract partial class ContainerStoreContract : IAsyncLifetime
{
    protected const string Ns = "team-ns";

    private IContainerStore? _store;

    protected IContainerStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected IOutboxStore Outbox => Assert.IsAssignableFrom<IOutboxStore>(Store);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens a new, empty store (not yet initialised). May skip the test when its server is not configured.</summary>
    protected abstract ValueTask<IContainerStore> OpenStoreAsync(CancellationToken cancellationToken);

    /// <summary>Closes the store and removes everything it wrote.</summary>
    protected abstract ValueTask CloseStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync(Ct);
        await Assert.IsAssignableFrom<IInitializableStore>(_store).InitializeAsync(Ct);
        await Outcomes.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStoreAsync();
        GC.SuppressFinalize(this);
    }

    // ---- helpers: events as the service makes them ----

    private static EventFactory Created(Container c) => seq => new ContainerCreated
    {
        EventId = Guid.NewGuid(), Timestamp = c.CreatedAt, Namespace = c.Namespace, Sequence = seq, Container = c,
    };

    private static EventFactory Updated(Container c) => seq => new ContainerUpdated
    {
        EventId = Guid.NewGuid(), Timestamp = c.UpdatedAt, Namespace = c.Namespace, Sequence = seq, Container = c,
    };

    private static EventFactory Deleted(string @namespace, string id) => seq => new ContainerDeleted
    {
        EventId = Guid.NewGuid(), Timestamp = Samples.Epoch, Namespace = @namespace, Sequence = seq, Id = id,
    };

    private Task CreateAsync(Container c) => Store.CreateAsync(c, Created(c), Ct);

    private Task<bool> UpdateAsync(Container c, long expectedVersion) => Store.UpdateAsync(c, expectedVersion, Updated(c), Ct);

    private Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion) =>
        Store.DeleteAsync(@namespace, id, expectedVersion, TaskHold.None, Deleted(@namespace, id), Ct);

    private static Container NextVersion(Container c, string image) =>
        c with { Image = image, UpdatedAt = c.UpdatedAt.AddSeconds(1), Version = c.Version + 1 };

    private async Task<IReadOnlyList<IPlatformEvent>> PendingEventsAsync()
    {
        var records = await Outbox.ReadPendingAsync(1000, Ct);
        return [.. records.Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)];
    }

    private async Task<List<string>> ListIdsAsync(string @namespace, FilterSet filters, int limit)
    {
        var ids = new List<string>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "the store never returned a last page");
            var page = await Store.ListAsync(@namespace, filters, limit, after, Ct);
            Assert.True(page.Containers.Count <= limit, $"a page of {page.Containers.Count} exceeds the limit {limit}");
            ids.AddRange(page.Containers.Select(c => c.Id));
            if (page.After is null)
                return ids;
            Assert.Equal(page.Containers[^1].Id, page.After);
            after = page.After;
        }
    }

    // ---- round trip ----

    [Fact]
    public async Task Should_read_back_every_field_exactly_as_created()
    {
        var container = Samples.Container(Ns, "web-1") with
        {
            Labels = new Dictionary<string, string>
            {
                ["example.com/owner"] = "team-a",
                ["a.b.c"] = "x/y",
                ["$dollar"] = "$v",
                ["$"] = "only a dollar",
                ["dots.and$dollars/and/slashes"] = "v.$/",
                ["unicode-ключ"] = "значение ✓",
                ["quote\"and'apostrophe\\backslash"] = "\"quoted\"",
                ["html<&>+"] = "<b>&amp;</b>",
            },
            UpdatedAt = Samples.Epoch.AddTicks(1),
            Version = 1,
        };

        await CreateAsync(container);

        ContainerAssert.Same(container, await Store.GetAsync(Ns, "web-1", Ct));
    }

    [Fact]
    public async Task Should_read_back_a_minimal_container_with_nulls_and_empty_maps()
    {
        var container = Samples.Minimal(Ns, "bare");

        await CreateAsync(container);

        var read = await Store.GetAsync(Ns, "bare", Ct);
        ContainerAssert.Same(container, read);
        Assert.Null(read!.Image);
        Assert.Null(read.Runtime.Options);
        Assert.Null(read.Snapshotter);
        Assert.Null(read.SnapshotKey);
    }

    [Fact]
    public async Task Should_return_null_for_an_id_it_does_not_hold()
    {
        await CreateAsync(Samples.Container(Ns, "web-1"));

        Assert.Null(await Store.GetAsync(Ns, "web-2", Ct));
        Assert.Null(await Store.GetAsync("other-ns", "web-1", Ct));
    }

    [Fact]
    public async Task Should_list_containers_with_every_field_intact()
    {
        var container = Samples.Container(Ns, "web-1");
        await CreateAsync(container);

        var page = await Store.ListAsync(Ns, FilterSet.All, 10, null, Ct);

        ContainerAssert.Same(container, Assert.Single(page.Containers));
        Assert.Null(page.After);
    }

    // ---- identity ----

    [Fact]
    public async Task Should_refuse_a_duplicate_id_with_already_exists_and_keep_the_first()
    {
        var first = Samples.Container(Ns, "web-1");
        await CreateAsync(first);

        var error = await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(Samples.Minimal(Ns, "web-1")));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        ContainerAssert.Same(first, await Store.GetAsync(Ns, "web-1", Ct));
    }

    [Fact]
    public async Task Should_keep_namespaces_apart()
    {
        var inA = Samples.Container("ns-a", "shared-id");
        var inB = Samples.Minimal("ns-b", "shared-id") with { Labels = new Dictionary<string, string> { ["env"] = "prod" } };
        await CreateAsync(inA);
        await CreateAsync(inB);
        await CreateAsync(Samples.Minimal("ns-b", "only-in-b"));

        ContainerAssert.Same(inA, await Store.GetAsync("ns-a", "shared-id", Ct));
        ContainerAssert.Same(inB, await Store.GetAsync("ns-b", "shared-id", Ct));
        var listA = await Store.ListAsync("ns-a", FilterSet.All, 100, null, Ct);
        Assert.Equal(["ns-a"], listA.Containers.Select(c => c.Namespace).Distinct());
        Assert.Equal(["shared-id"], listA.Containers.Select(c => c.Id));
        var filteredA = await Store.ListAsync("ns-a", FilterSet.Parse(["labels.env==prod"]), 100, null, Ct);
        Assert.Equal(["ns-a"], filteredA.Containers.Select(c => c.Namespace));

        Assert.True(await DeleteAsync("ns-a", "shared-id", 1));

        ContainerAssert.Same(inB, await Store.GetAsync("ns-b", "shared-id", Ct));
        Assert.Empty((await Store.ListAsync("ns-a", FilterSet.All, 100, null, Ct)).Containers);
        // Sequences are per object, and an object is namespace + id.
        var events = await PendingEventsAsync();
        Assert.Equal([("ns-a", 1L), ("ns-b", 1L), ("ns-b", 1L), ("ns-a", 2L)], events.Select(e => (e.Namespace, e.Sequence)));
    }

    // ---- versions ----

    [Fact]
    public async Task Should_update_when_the_expected_version_is_current()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        var next = NextVersion(stored, "redis:7") with { Labels = new Dictionary<string, string> { ["only"] = "this" }, Extensions = new Dictionary<string, string>() };

        Assert.True(await UpdateAsync(next, expectedVersion: 1));

        ContainerAssert.Same(next, await Store.GetAsync(Ns, "web-1", Ct));
    }

    [Fact]
    public async Task Should_refuse_an_update_with_a_stale_version_and_write_nothing()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        var second = NextVersion(stored, "v2");
        Assert.True(await UpdateAsync(second, expectedVersion: 1));
        var pendingBefore = (await Outbox.ReadPendingAsync(100, Ct)).Count;

        Assert.False(await UpdateAsync(NextVersion(stored, "stale"), expectedVersion: 1));

        ContainerAssert.Same(second, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(pendingBefore, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    [Fact]
    public async Task Should_refuse_an_update_of_a_missing_container()
    {
        Assert.False(await UpdateAsync(Samples.Container(Ns, "ghost") with { Version = 2 }, expectedVersion: 1));

        Assert.Null(await Store.GetAsync(Ns, "ghost", Ct));
        Assert.Empty(await Outbox.ReadPendingAsync(100, Ct));
    }

    [Fact]
    public async Task Should_refuse_a_delete_with_a_stale_version_and_keep_the_container()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        var second = NextVersion(stored, "v2");
        Assert.True(await UpdateAsync(second, expectedVersion: 1));

        Assert.False(await DeleteAsync(Ns, "web-1", expectedVersion: 1));

        ContainerAssert.Same(second, await Store.GetAsync(Ns, "web-1", Ct));
        Assert.Equal(2, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    [Fact]
    public async Task Should_delete_with_the_current_version()
    {
        await CreateAsync(Samples.Container(Ns, "web-1"));

        Assert.True(await DeleteAsync(Ns, "web-1", expectedVersion: 1));

        Assert.Null(await Store.GetAsync(Ns, "web-1", Ct));
        Assert.False(await DeleteAsync(Ns, "web-1", expectedVersion: 1));
    }

    // ---- listing and paging ----

    // ASCII order: '-' < '.' < digits < upper case < '_' < lower case; ordinal, not culture-aware.
    private static readonly string[] MixedIds = ["b", "a_1", "B", "a-1", "10", "a.1", "9", "a1", "A", "a", "z-last", "0"];

    [Fact]
    public async Task Should_list_in_ordinal_id_order()
    {
        foreach (var id in MixedIds)
            await CreateAsync(Samples.Minimal(Ns, id));

        var page = await Store.ListAsync(Ns, FilterSet.All, 100, null, Ct);

        Assert.Equal(MixedIds.Order(StringComparer.Ordinal), page.Containers.Select(c => c.Id));
        Assert.Null(page.After);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Should_return_every_container_exactly_once_across_pages(int limit)
    {
        foreach (var id in MixedIds)
            await CreateAsync(Samples.Minimal(Ns, id));

        var ids = await ListIdsAsync(Ns, FilterSet.All, limit);

        Assert.Equal(MixedIds.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task Should_end_a_page_that_holds_the_last_match_without_a_continuation()
    {
        foreach (var id in new[] { "a", "b", "c", "d" })
            await CreateAsync(Samples.Minimal(Ns, id) with { Labels = id == "d" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["keep"] = "1" } });

        var first = await Store.ListAsync(Ns, FilterSet.Parse(["labels.keep"]), 2, null, Ct);
        var last = await Store.ListAsync(Ns, FilterSet.Parse(["labels.keep"]), 2, first.After, Ct);

        Assert.Equal(["a", "b"], first.Containers.Select(c => c.Id));
        Assert.Equal("b", first.After);
        // "d" follows "c" but does not match, so "c" ends the list.
        Assert.Equal(["c"], last.Containers.Select(c => c.Id));
        Assert.Null(last.After);
    }

    [Fact]
    public async Task Should_start_after_the_given_id_even_when_that_id_is_gone()
    {
        foreach (var id in new[] { "a", "b", "c" })
            await CreateAsync(Samples.Minimal(Ns, id));
        Assert.True(await DeleteAsync(Ns, "b", 1));

        var page = await Store.ListAsync(Ns, FilterSet.All, 10, "b", Ct);

        Assert.Equal(["c"], page.Containers.Select(c => c.Id));
    }

    // ---- filters: the store must agree with evaluating the filters in memory ----

    private static readonly Container[] FilterData =
    [
        Labelled("c-01", "docker.io/library/nginx:latest", Samples.Runtime, ("env", "prod"), ("tier", "web"), ("example.com/owner", "team-a")),
        Labelled("c-02", "nginx", Samples.Runtime, ("env", "dev"), ("tier", "web")),
        Labelled("c-03", "postgres:16", "io.containerd.runsc.v1", ("env", "prod"), ("tier", "db"), ("a.b.c", "x/y")),
        Labelled("c-04", null, Samples.Runtime),
        Labelled("c-05", null, "runc", ("tier", "db"), ("$weird.key", "$v"), ("note", "hello world")),
        Labelled("c-06", "docker.io/library/nginx:latest", Samples.Runtime, ("env", "production"), ("unicode-ключ", "значение")),
        Labelled("c-07", "redis", Samples.Runtime, ("env", "prod"), ("a+b", "plus"), ("html<&>", "<b>")),
        Labelled("c-08", "redis", Samples.Runtime, ("example.com", "x"), ("a.b", "c")),
        Labelled("c-09", "busybox", "runc", ("env", "PROD")),
        Labelled("c-10", "nginx", Samples.Runtime, ("env", "prod"), ("example.com/owner", "team-b"), ("quote\"key", "q")),
        Labelled("c-11", "nginx", Samples.Runtime, ("env", "1"), ("tier", "true")),
        Labelled("c-12", "", Samples.Runtime, ("env", "null"), ("tier", "web")),
        Labelled("c-13", "nginx", Samples.Runtime, ("emoji", "🙂 smile"), ("🙂", "face")),
    ];

    private static Container Labelled(string id, string? image, string runtime, params (string Key, string Value)[] labels) =>
        Samples.Minimal(Ns, id) with
        {
            Image = image == "" ? null : image,
            Runtime = new RuntimeInfo { Name = runtime },
            Labels = labels.ToDictionary(l => l.Key, l => l.Value),
        };

    [Theory]
    [InlineData("c-01 c-03 c-07 c-10", "labels.env==prod")]
    [InlineData("c-01 c-02 c-03 c-06 c-07 c-09 c-10 c-11 c-12", "labels.env")]
    [InlineData("c-02 c-04 c-05 c-06 c-08 c-09 c-11 c-12 c-13", "labels.env!=prod")]
    [InlineData("c-01 c-03 c-06 c-07 c-10", "labels.env~=^prod")]
    [InlineData("c-06", "labels.env~=/tion$/")]
    [InlineData("c-01 c-02 c-03 c-07 c-10", "labels.env==prod", "labels.env==dev")]
    [InlineData("c-01", "labels.env==prod,labels.tier==web")]
    [InlineData("c-01 c-03 c-07 c-10", "labels.env==prod,labels.env")]
    [InlineData("c-03", "labels.env==prod,labels.tier!=web,labels.tier")]
    [InlineData("c-03", "id==c-03")]
    [InlineData("c-03 c-05", "id==c-03", "labels.tier==db")]
    [InlineData("c-01 c-02", "id~=^c-0[12]$")]
    [InlineData("c-01 c-06", "image==docker.io/library/nginx:latest")]
    [InlineData("c-01 c-02 c-03 c-06 c-07 c-08 c-09 c-10 c-11 c-13", "image")]
    [InlineData("c-01 c-03 c-04 c-05 c-06 c-07 c-08 c-09 c-12", "image!=nginx")]
    [InlineData("c-01 c-02 c-04 c-06 c-07 c-08 c-10 c-11 c-12 c-13", "runtime.name==io.containerd.runc.v2")]
    [InlineData("c-05 c-09", "runtime.name==runc")]
    [InlineData("c-03 c-05 c-09", "runtime.name!=io.containerd.runc.v2")]
    [InlineData("c-01", "labels.\"example.com/owner\"==team-a")]
    [InlineData("c-01 c-10", "labels.\"example.com/owner\"")]
    [InlineData("c-08", "labels.example.com==x")]
    [InlineData("c-08", "labels.\"example.com\"")]
    [InlineData("c-03", "labels.a.b.c==x/y")]
    [InlineData("c-03", "labels.\"a.b.c\"==\"x/y\"")]
    [InlineData("c-08", "labels.a.b")]
    [InlineData("c-05", "labels.\"$weird.key\"==$v")]
    [InlineData("c-05", "labels.note==\"hello world\"")]
    [InlineData("c-06", "labels.\"unicode-ключ\"==значение")]
    [InlineData("c-06", "labels.\"unicode-ключ\"")]
    [InlineData("c-07", "labels.\"a+b\"==plus")]
    [InlineData("c-07", "labels.\"html<&>\"==\"<b>\"")]
    [InlineData("c-10", "labels.\"quote\\\"key\"==q")]
    [InlineData("c-11", "labels.env==1,labels.tier==true")]
    [InlineData("c-12", "labels.env==null")]
    [InlineData("c-13", "labels.emoji==\"🙂 smile\"")]
    [InlineData("c-13", "labels.\"🙂\"==face")]
    [InlineData("c-13", "labels.\"🙂\"")]
    [InlineData("", "labels.env==\"\"")]
    [InlineData("", "unknown==x")]
    [InlineData("c-01 c-02 c-03 c-04 c-05 c-06 c-07 c-08 c-09 c-10 c-11 c-12 c-13", "unknown!=x")]
    [InlineData("", "runtime.options")]
    [InlineData("c-01 c-02 c-03 c-04 c-05 c-06 c-07 c-08 c-09 c-10 c-11 c-12 c-13")]
    public async Task Should_list_exactly_what_the_filters_match_in_memory(string expectedIds, params string[] filters)
    {
        foreach (var container in FilterData)
            await CreateAsync(container);
        // The same ids in another namespace, all matching: a filter must never widen the namespace.
        await CreateAsync(FilterData[0] with { Namespace = "other-ns", Id = "c-00" });
        await CreateAsync(FilterData[0] with { Namespace = "other-ns", Id = "c-03" });
        var set = FilterSet.Parse(filters);
        var inMemory = FilterData.Where(c => set.Match(new ContainerFields(c))).Select(c => c.Id).Order(StringComparer.Ordinal).ToList();

        var listed = await ListIdsAsync(Ns, set, 1000);
        var paged = await ListIdsAsync(Ns, set, 2);

        Assert.Equal(expectedIds.Split(' ', StringSplitOptions.RemoveEmptyEntries), inMemory);
        Assert.Equal(inMemory, listed);
        Assert.Equal(inMemory, paged);
    }

    // ---- outbox ----

    [Fact]
    public async Task Should_append_one_event_per_write_with_the_objects_next_sequence_across_delete_and_recreate()
    {
        var first = Samples.Container(Ns, "web-1");
        await CreateAsync(first);
        await CreateAsync(Samples.Minimal(Ns, "web-2"));
        Assert.True(await UpdateAsync(NextVersion(first, "v2"), 1));
        Assert.True(await DeleteAsync(Ns, "web-1", 2));
        await CreateAsync(Samples.Minimal(Ns, "web-1"));
        Assert.True(await UpdateAsync(NextVersion(Samples.Minimal(Ns, "web-1"), "v2"), 1));

        var events = await PendingEventsAsync();

        Assert.Equal(
            [
                (typeof(ContainerCreated), "web-1", 1L),
                (typeof(ContainerCreated), "web-2", 1L),
                (typeof(ContainerUpdated), "web-1", 2L),
                (typeof(ContainerDeleted), "web-1", 3L),
                (typeof(ContainerCreated), "web-1", 4L),
                (typeof(ContainerUpdated), "web-1", 5L),
            ],
            events.Select(e => (e.GetType(), IdOf(e), e.Sequence)));
        Assert.All(events, e => Assert.Equal(Ns, e.Namespace));
        var created = Assert.IsType<ContainerCreated>(events[0]);
        ContainerAssert.Same(first, created.Container);
    }

    private static string IdOf(IPlatformEvent e) => e switch
    {
        ContainerCreated c => c.Container.Id,
        ContainerUpdated u => u.Container.Id,
        ContainerDeleted d => d.Id,
        _ => throw new InvalidOperationException($"unexpected event {e.GetType()}"),
    };

    [Fact]
    public async Task Should_forget_exactly_the_records_marked_published()
    {
        foreach (var id in new[] { "a", "b", "c" })
            await CreateAsync(Samples.Minimal(Ns, id));
        var firstTwo = await Outbox.ReadPendingAsync(2, Ct);
        Assert.Equal(2, firstTwo.Count);
        await CreateAsync(Samples.Minimal(Ns, "d"));

        await Outbox.MarkPublishedAsync(firstTwo, Ct);

        var rest = await PendingEventsAsync();
        Assert.Equal(["c", "d"], rest.Select(IdOf));
        Assert.DoesNotContain(rest, e => firstTwo.Any(r => r.EventId == e.EventId));

        // Idempotent: marking them again (a relay retrying after a crash) removes nothing else.
        await Outbox.MarkPublishedAsync(firstTwo, Ct);
        await Outbox.MarkPublishedAsync([], Ct);
        Assert.Equal(["c", "d"], (await PendingEventsAsync()).Select(IdOf));
    }

    [Fact]
    public async Task Should_keep_each_records_event_id_and_wire_name()
    {
        var container = Samples.Container(Ns, "web-1");
        var eventId = Guid.NewGuid();

        await Store.CreateAsync(container, seq => new ContainerCreated
        {
            EventId = eventId, Timestamp = container.CreatedAt, Namespace = Ns, Sequence = seq, Container = container,
        }, Ct);

        var record = Assert.Single(await Outbox.ReadPendingAsync(10, Ct));
        Assert.Equal(eventId, record.EventId);
        Assert.Equal(EventCodec.NameOf(typeof(ContainerCreated)), record.MessageType);
    }

    [Fact]
    public async Task Should_append_nothing_and_use_up_no_sequence_number_when_a_write_fails()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        var second = NextVersion(stored, "v2");
        Assert.True(await UpdateAsync(second, 1));

        await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(Samples.Minimal(Ns, "web-1")));
        Assert.False(await UpdateAsync(NextVersion(stored, "stale"), 1));
        Assert.False(await DeleteAsync(Ns, "web-1", 1));
        Assert.False(await UpdateAsync(Samples.Minimal(Ns, "ghost") with { Version = 2 }, 1));
        Assert.False(await DeleteAsync(Ns, "ghost", 1));
        Assert.Equal(2, (await Outbox.ReadPendingAsync(100, Ct)).Count);

        Assert.True(await UpdateAsync(NextVersion(second, "v3"), 2));

        Assert.Equal([1L, 2L, 3L], (await PendingEventsAsync()).Select(e => e.Sequence));
        await CreateAsync(Samples.Minimal(Ns, "ghost"));
        Assert.Equal(1L, (await PendingEventsAsync())[^1].Sequence);
    }

    // ---- concurrency ----

    [Fact]
    public async Task Should_commit_concurrent_creates_of_distinct_ids_from_16_tasks()
    {
        var ids = Enumerable.Range(0, 16).Select(i => $"task-{i:D2}").ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creates = ids.Select(id => Task.Run(async () =>
        {
            await start.Task;
            await CreateAsync(Samples.Container(Ns, id));
        }, Ct)).ToArray();

        start.SetResult();
        await Task.WhenAll(creates);

        Assert.Equal(ids, await ListIdsAsync(Ns, FilterSet.All, 1000));
        var events = await PendingEventsAsync();
        Assert.Equal(ids, events.Select(IdOf).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal(1L, e.Sequence));
    }

    [Fact]
    public async Task Should_let_exactly_one_of_16_concurrent_updates_with_the_same_version_win()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var updates = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return (Image: $"image-{i}", Won: await UpdateAsync(NextVersion(stored, $"image-{i}"), 1));
        }, Ct)).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(updates);

        var winner = Assert.Single(results, r => r.Won);
        var read = await Store.GetAsync(Ns, "web-1", Ct);
        Assert.Equal(2, read!.Version);
        Assert.Equal(winner.Image, read.Image);
        var events = await PendingEventsAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(winner.Image, Assert.IsType<ContainerUpdated>(events[1]).Container.Image);
    }
    // ---- task holds (DESIGN.md invariant 4): kept beside the container, never part of it ----

    [Fact]
    public async Task Should_create_a_container_that_no_task_holds()
    {
        await CreateAsync(Samples.Container(Ns, "web-1"));

        var (_, hold) = Assert.NotNull(await Store.GetWithHoldAsync(Ns, "web-1", Ct));
        Assert.Equal(TaskHold.None, hold);
        Assert.Null(await Store.GetWithHoldAsync(Ns, "ghost", Ct));
    }

    [Fact]
    public async Task Should_record_a_hold_and_return_the_container_without_changing_its_version_or_appending_an_event()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);

        var held = await Store.HoldAsync(Ns, "web-1", 42, Ct);

        ContainerAssert.Same(stored, held);
        var (read, hold) = (await Store.GetWithHoldAsync(Ns, "web-1", Ct))!.Value;
        ContainerAssert.Same(stored, read);
        Assert.Equal(new TaskHold(42), hold);
        Assert.Single(await PendingEventsAsync());
    }

    [Fact]
    public async Task Should_not_hold_a_missing_container()
    {
        Assert.Null(await Store.HoldAsync(Ns, "ghost", 42, Ct));
        Assert.Null(await Store.GetAsync(Ns, "ghost", Ct));
    }

    [Fact]
    public async Task Should_refuse_a_delete_that_expects_no_hold_once_a_task_holds_the_container()
    {
        await CreateAsync(Samples.Container(Ns, "web-1"));
        await Store.HoldAsync(Ns, "web-1", 42, Ct);

        Assert.False(await DeleteAsync(Ns, "web-1", expectedVersion: 1));
        Assert.False(await Store.DeleteAsync(Ns, "web-1", 1, new TaskHold(41), Deleted(Ns, "web-1"), Ct));
        Assert.NotNull(await Store.GetAsync(Ns, "web-1", Ct));
        Assert.True(await Store.DeleteAsync(Ns, "web-1", 1, new TaskHold(42), Deleted(Ns, "web-1"), Ct));
        Assert.Null(await Store.GetAsync(Ns, "web-1", Ct));
    }

    [Fact]
    public async Task Should_keep_the_hold_across_an_update()
    {
        var stored = Samples.Container(Ns, "web-1");
        await CreateAsync(stored);
        await Store.HoldAsync(Ns, "web-1", 42, Ct);

        Assert.True(await UpdateAsync(NextVersion(stored, "other"), 1));

        var (read, hold) = (await Store.GetWithHoldAsync(Ns, "web-1", Ct))!.Value;
        Assert.Equal("other", read.Image);
        Assert.Equal(new TaskHold(42), hold);
    }

    [Fact]
    public async Task Should_release_only_the_hold_of_the_same_task()
    {
        await CreateAsync(Samples.Container(Ns, "web-1"));
        await Store.HoldAsync(Ns, "web-1", 42, Ct);
        await Store.HoldAsync(Ns, "web-1", 43, Ct); // a later task of the same container

        Assert.False(await Store.ReleaseAsync(Ns, "web-1", 42, Ct));
        Assert.Equal(new TaskHold(43), (await Store.GetWithHoldAsync(Ns, "web-1", Ct))!.Value.Hold);
        Assert.True(await Store.ReleaseAsync(Ns, "web-1", 43, Ct));
        Assert.Equal(TaskHold.None, (await Store.GetWithHoldAsync(Ns, "web-1", Ct))!.Value.Hold);
        Assert.False(await Store.ReleaseAsync(Ns, "ghost", 43, Ct));
        Assert.True(await DeleteAsync(Ns, "web-1", expectedVersion: 1));
    }

    [Fact]
    public async Task Should_let_either_a_hold_or_a_delete_that_expects_none_win_never_both()
    {
        for (var round = 0; round < 40; round++)
        {
            var id = $"race-{round}";
            await CreateAsync(Samples.Container(Ns, id));
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var hold = Task.Run(async () => { await start.Task; return await Store.HoldAsync(Ns, id, 7, Ct); }, Ct);
            var delete = Task.Run(async () => { await start.Task; return await DeleteAsync(Ns, id, 1); }, Ct);
            start.SetResult();

            var (held, deleted) = (await hold, await delete);
            Assert.True((held is null) == deleted, $"round {round}: held {held is not null}, deleted {deleted}");
        }
    }
}
