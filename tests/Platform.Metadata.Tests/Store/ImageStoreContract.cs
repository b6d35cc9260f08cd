using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Images;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.Metadata.Images;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// What every <see cref="IImageStore"/> must do, whatever the database: each subclass opens a fresh, empty store per
/// test. The outbox assertions read the store's <see cref="IOutboxStore"/> side, the same outbox the relay reads.
/// </summary>
public abstract class ImageStoreContract : IAsyncLifetime
{
    protected const string Ns = "team-ns";
    private const string Busybox = "docker.io/library/busybox:latest";

    private IImageStore? _store;

    protected IImageStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected IOutboxStore Outbox => Assert.IsAssignableFrom<IOutboxStore>(Store);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens a new, empty store (not yet initialised). May skip the test when its server is not configured.</summary>
    protected abstract ValueTask<IImageStore> OpenStoreAsync(CancellationToken cancellationToken);

    /// <summary>Closes the store and removes everything it wrote.</summary>
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

    private static EventFactory Created(Image i) => seq => new ImageCreated
    {
        EventId = Guid.NewGuid(), Timestamp = i.CreatedAt, Namespace = i.Namespace, Sequence = seq, Image = i,
    };

    private static EventFactory Updated(Image i, Descriptor? previous = null) => seq => new ImageUpdated
    {
        EventId = Guid.NewGuid(), Timestamp = i.UpdatedAt, Namespace = i.Namespace, Sequence = seq, Image = i, PreviousTarget = previous,
    };

    private static EventFactory Deleted(string @namespace, string name) => seq => new ImageDeleted
    {
        EventId = Guid.NewGuid(), Timestamp = Samples.Epoch, Namespace = @namespace, Sequence = seq, Name = name, Target = ImageSamples.Manifest(1),
    };

    protected Task CreateAsync(Image i) => Store.CreateAsync(i, Created(i), Ct);

    private Task<bool> UpdateAsync(Image i, long expectedVersion) => Store.UpdateAsync(i, expectedVersion, Updated(i), Ct);

    private Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion) =>
        Store.DeleteAsync(@namespace, name, expectedVersion, Deleted(@namespace, name), Ct);

    private static Image Retargeted(Image i, int target) =>
        i with { Target = ImageSamples.Manifest(target), UpdatedAt = i.UpdatedAt.AddSeconds(1), Version = i.Version + 1 };

    protected async Task<IReadOnlyList<IPlatformEvent>> PendingEventsAsync()
    {
        var records = await Outbox.ReadPendingAsync(1000, Ct);
        return [.. records.Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)];
    }

    private async Task<List<string>> ListNamesAsync(string @namespace, FilterSet filters, int limit)
    {
        var names = new List<string>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "the store never returned a last page");
            var page = await Store.ListAsync(@namespace, filters, limit, after, Ct);
            Assert.True(page.Images.Count <= limit, $"a page of {page.Images.Count} exceeds the limit {limit}");
            names.AddRange(page.Images.Select(i => i.Name));
            if (page.After is null)
                return names;
            Assert.Equal(page.Images[^1].Name, page.After);
            after = page.After;
        }
    }

    // ---- round trip and identity ----

    [Fact]
    public async Task Should_read_back_every_field_exactly_as_created()
    {
        var image = ImageSamples.Image(Ns, Busybox) with
        {
            Labels = new Dictionary<string, string>
            {
                ["a.b.c"] = "x/y",
                ["$"] = "only a dollar",
                ["unicode-ключ"] = "значение ✓",
                ["quote\"and'apostrophe\\backslash"] = "\"quoted\"",
            },
            Target = new Descriptor { MediaType = ImageRules.DockerManifestList, Digest = ImageSamples.Digest(77), Size = 5_000_000_000 },
            UpdatedAt = Samples.Epoch.AddTicks(1),
        };

        await CreateAsync(image);

        ImageSamples.Same(image, await Store.GetAsync(Ns, Busybox, Ct));
        ImageSamples.Same(image, Assert.Single((await Store.ListAsync(Ns, FilterSet.All, 10, null, Ct)).Images));
    }

    [Fact]
    public async Task Should_return_null_for_a_name_it_does_not_hold()
    {
        await CreateAsync(ImageSamples.Image(Ns, Busybox));

        Assert.Null(await Store.GetAsync(Ns, "docker.io/library/busybox:1.36", Ct));
        Assert.Null(await Store.GetAsync("other-ns", Busybox, Ct));
    }

    [Fact]
    public async Task Should_refuse_a_duplicate_name_with_already_exists_and_keep_the_first()
    {
        var first = ImageSamples.Image(Ns, Busybox);
        await CreateAsync(first);

        var error = await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(ImageSamples.Minimal(Ns, Busybox) with { Target = ImageSamples.Manifest(2) }));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        Assert.Contains(Busybox, error.Message);
        Assert.Contains(Ns, error.Message);
        ImageSamples.Same(first, await Store.GetAsync(Ns, Busybox, Ct));
        Assert.Single(await Outbox.ReadPendingAsync(10, Ct));
    }

    [Fact]
    public async Task Should_keep_namespaces_apart()
    {
        var inA = ImageSamples.Image("ns-a", Busybox);
        var inB = ImageSamples.Minimal("ns-b", Busybox) with { Target = ImageSamples.Manifest(2) };
        await CreateAsync(inA);
        await CreateAsync(inB);

        Assert.True(await DeleteAsync("ns-a", Busybox, 1));

        ImageSamples.Same(inB, await Store.GetAsync("ns-b", Busybox, Ct));
        Assert.Empty((await Store.ListAsync("ns-a", FilterSet.All, 100, null, Ct)).Images);
        var events = await PendingEventsAsync();
        Assert.Equal([("ns-a", 1L), ("ns-b", 1L), ("ns-a", 2L)], events.Select(e => (e.Namespace, e.Sequence)));
    }

    // ---- versions ----

    [Fact]
    public async Task Should_update_with_the_current_version_and_refuse_a_stale_one_writing_nothing()
    {
        var stored = ImageSamples.Image(Ns, Busybox);
        await CreateAsync(stored);
        var second = Retargeted(stored, 2) with { Labels = new Dictionary<string, string> { ["only"] = "this" } };

        Assert.True(await UpdateAsync(second, 1));
        Assert.False(await UpdateAsync(Retargeted(stored, 3), 1));
        Assert.False(await DeleteAsync(Ns, Busybox, 1));

        ImageSamples.Same(second, await Store.GetAsync(Ns, Busybox, Ct));
        Assert.Equal(2, (await Outbox.ReadPendingAsync(100, Ct)).Count);
    }

    [Fact]
    public async Task Should_refuse_an_update_or_delete_of_a_missing_image()
    {
        Assert.False(await UpdateAsync(ImageSamples.Image(Ns, "docker.io/library/ghost:latest") with { Version = 2 }, 1));
        Assert.False(await DeleteAsync(Ns, "docker.io/library/ghost:latest", 1));

        Assert.Empty(await Outbox.ReadPendingAsync(100, Ct));
    }

    [Fact]
    public async Task Should_delete_with_the_current_version()
    {
        await CreateAsync(ImageSamples.Image(Ns, Busybox));

        Assert.True(await DeleteAsync(Ns, Busybox, 1));

        Assert.Null(await Store.GetAsync(Ns, Busybox, Ct));
        Assert.False(await DeleteAsync(Ns, Busybox, 1));
    }

    // ---- listing ----

    private static readonly string[] Names =
    [
        "docker.io/library/busybox:latest",
        "docker.io/library/busybox:1.36",
        "docker.io/library/busybox@sha256:" + new string('a', 64),
        "docker.io/acc/bb:1",
        "127.0.0.1:5000/x:1",
        "localhost/x:latest",
        "ghcr.io/owner/img:v2",
        "docker.io/library/alpine:3",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(1000)]
    public async Task Should_list_every_image_once_in_ordinal_name_order_across_pages(int limit)
    {
        foreach (var name in Names)
            await CreateAsync(ImageSamples.Minimal(Ns, name));

        Assert.Equal(Names.Order(StringComparer.Ordinal), await ListNamesAsync(Ns, FilterSet.All, limit));
    }

    [Fact]
    public async Task Should_start_after_the_given_name_even_when_that_name_is_gone()
    {
        foreach (var name in new[] { "docker.io/library/a:1", "docker.io/library/b:1", "docker.io/library/c:1" })
            await CreateAsync(ImageSamples.Minimal(Ns, name));
        Assert.True(await DeleteAsync(Ns, "docker.io/library/b:1", 1));

        var page = await Store.ListAsync(Ns, FilterSet.All, 10, "docker.io/library/b:1", Ct);

        Assert.Equal(["docker.io/library/c:1"], page.Images.Select(i => i.Name));
    }

    private static readonly Image[] FilterData =
    [
        ImageSamples.Minimal(Ns, "docker.io/library/busybox:latest") with { Target = ImageSamples.Manifest(1), Labels = new Dictionary<string, string> { ["env"] = "prod", ["example.com/owner"] = "a" } },
        ImageSamples.Minimal(Ns, "docker.io/library/busybox:1.36") with { Target = ImageSamples.Manifest(1), Labels = new Dictionary<string, string> { ["env"] = "dev" } },
        ImageSamples.Minimal(Ns, "docker.io/library/alpine:3") with { Target = ImageSamples.Manifest(2, ImageRules.OciIndex), Labels = new Dictionary<string, string> { ["env"] = "prod", ["a.b"] = "c" } },
        ImageSamples.Minimal(Ns, "127.0.0.1:5000/x:1") with { Target = ImageSamples.Manifest(3, ImageRules.DockerManifest) },
        ImageSamples.Minimal(Ns, "ghcr.io/owner/img:v2") with { Target = ImageSamples.Manifest(4, ImageRules.DockerManifestList), Labels = new Dictionary<string, string> { ["note"] = "hello world" } },
    ];

    [Theory]
    [InlineData("docker.io/library/busybox:latest", "name==docker.io/library/busybox:latest")]
    [InlineData("", "name==busybox")]
    [InlineData("docker.io/library/busybox:1.36 docker.io/library/busybox:latest", "name~=busybox")]
    [InlineData("docker.io/library/busybox:1.36 docker.io/library/busybox:latest", "target.digest==sha256:0000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("docker.io/library/alpine:3", "target.mediatype==application/vnd.oci.image.index.v1+json")]
    [InlineData("127.0.0.1:5000/x:1 ghcr.io/owner/img:v2", "target.mediatype~=docker")]
    [InlineData("docker.io/library/alpine:3 docker.io/library/busybox:latest", "labels.env==prod")]
    [InlineData("docker.io/library/busybox:latest", "labels.env==prod,name~=busybox")]
    [InlineData("docker.io/library/alpine:3 docker.io/library/busybox:1.36", "labels.env==dev", "labels.a.b==c")]
    [InlineData("docker.io/library/busybox:latest", "labels.\"example.com/owner\"")]
    [InlineData("ghcr.io/owner/img:v2", "labels.note==\"hello world\"")]
    [InlineData("127.0.0.1:5000/x:1 docker.io/library/busybox:1.36 ghcr.io/owner/img:v2", "labels.env!=prod")]
    [InlineData("", "target.size==1001")]
    [InlineData("127.0.0.1:5000/x:1 docker.io/library/alpine:3 docker.io/library/busybox:1.36 docker.io/library/busybox:latest ghcr.io/owner/img:v2")]
    public async Task Should_list_exactly_what_the_filters_match_in_memory(string expected, params string[] filters)
    {
        foreach (var image in FilterData)
            await CreateAsync(image);
        await CreateAsync(FilterData[0] with { Namespace = "other-ns" });
        var set = FilterSet.Parse(filters);
        var inMemory = FilterData.Where(i => set.Match(new ImageFields(i))).Select(i => i.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), inMemory);
        Assert.Equal(inMemory, await ListNamesAsync(Ns, set, 1000));
        Assert.Equal(inMemory, await ListNamesAsync(Ns, set, 2));
    }

    // ---- outbox ----

    [Fact]
    public async Task Should_append_one_event_per_write_with_the_images_next_sequence_across_delete_and_recreate()
    {
        var first = ImageSamples.Image(Ns, Busybox);
        await CreateAsync(first);
        await CreateAsync(ImageSamples.Minimal(Ns, "docker.io/library/alpine:3"));
        var moved = Retargeted(first, 2);
        Assert.True(await Store.UpdateAsync(moved, 1, Updated(moved, first.Target), Ct));
        Assert.True(await DeleteAsync(Ns, Busybox, 2));
        await CreateAsync(ImageSamples.Minimal(Ns, Busybox));

        var events = await PendingEventsAsync();

        Assert.Equal(
            [
                (typeof(ImageCreated), Busybox, 1L),
                (typeof(ImageCreated), "docker.io/library/alpine:3", 1L),
                (typeof(ImageUpdated), Busybox, 2L),
                (typeof(ImageDeleted), Busybox, 3L),
                (typeof(ImageCreated), Busybox, 4L),
            ],
            events.Select(e => (e.GetType(), NameOf(e), e.Sequence)));
        ImageSamples.Same(first, Assert.IsType<ImageCreated>(events[0]).Image);
        Assert.Equal(first.Target, Assert.IsType<ImageUpdated>(events[2]).PreviousTarget);
    }

    [Fact]
    public async Task Should_use_up_no_sequence_number_when_a_write_fails()
    {
        var stored = ImageSamples.Image(Ns, Busybox);
        await CreateAsync(stored);

        await Assert.ThrowsAsync<PlatformException>(() => CreateAsync(ImageSamples.Minimal(Ns, Busybox)));
        Assert.False(await UpdateAsync(Retargeted(stored, 2), 7));
        Assert.False(await DeleteAsync(Ns, Busybox, 7));
        Assert.True(await UpdateAsync(Retargeted(stored, 3), 1));

        Assert.Equal([1L, 2L], (await PendingEventsAsync()).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Should_let_exactly_one_of_16_concurrent_updates_with_the_same_version_win()
    {
        var stored = ImageSamples.Image(Ns, Busybox);
        await CreateAsync(stored);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var updates = Enumerable.Range(10, 16).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return (Target: i, Won: await UpdateAsync(Retargeted(stored, i), 1));
        }, Ct)).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(updates);

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(ImageSamples.Digest(winner.Target), (await Store.GetAsync(Ns, Busybox, Ct))!.Target.Digest);
        Assert.Equal([1L, 2L], (await PendingEventsAsync()).Select(e => e.Sequence));
    }

    protected static string NameOf(IPlatformEvent e) => e switch
    {
        ImageCreated c => c.Image.Name,
        ImageUpdated u => u.Image.Name,
        ImageDeleted d => d.Name,
        _ => throw new InvalidOperationException($"unexpected event {e.GetType()}"),
    };
}
