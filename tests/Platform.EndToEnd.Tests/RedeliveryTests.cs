using System.Collections.Concurrent;
using System.Text.Json;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Client.Images;
using Platform.Contracts.Containers;
using Platform.Contracts.Images;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A command delivered twice with one message id (the broker redelivers a message whose consumer died before it was
/// acknowledged; MassTransit retries with the same id) answers what its first delivery did, through the real broker and
/// store: the same container, one event, never AlreadyExists or NotFound for the change it made itself.
/// </summary>
public sealed class When_a_container_command_is_delivered_twice(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly TempDir _temp = new();

    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_a_second_create_with_the_container_the_first_made_and_publish_one_event()
    {
        var ns = Namespace();
        var events = await WatchAsync(ns);
        var create = Create(ns, "twice");
        var id = Guid.NewGuid();

        var first = await SendAsync<CreateContainer, CreateContainerResult>(create, id);
        var second = await SendAsync<CreateContainer, CreateContainerResult>(create, id);

        Assert.Equal(Json(first.Container), Json(second.Container));
        await events.SettleAsync(fixture, ns);
        Assert.Single(events.Of<ContainerCreated>(), e => e.Container.Id == "twice");
    }

    [Fact]
    public async Task Should_answer_both_of_two_concurrent_deliveries_with_the_one_container_made()
    {
        var ns = Namespace();
        var events = await WatchAsync(ns);
        var create = Create(ns, "at-once");
        var id = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendAsync<CreateContainer, CreateContainerResult>(create, id)));

        Assert.Single(results.Select(r => Json(r.Container)).Distinct());
        await events.SettleAsync(fixture, ns);
        Assert.Single(events.Of<ContainerCreated>(), e => e.Container.Id == "at-once");
    }

    [Fact]
    public async Task Should_apply_an_update_delivered_twice_once()
    {
        var ns = Namespace();
        await fixture.Client.Containers.CreateAsync(Create(ns, "labelled"), Ct);
        var events = await WatchAsync(ns);
        var update = new UpdateContainer
        {
            Namespace = ns, Id = "labelled", Labels = new Dictionary<string, string> { ["tier"] = "front" }, UpdateMask = ["labels.tier"],
        };
        var id = Guid.NewGuid();

        var first = await SendAsync<UpdateContainer, UpdateContainerResult>(update, id);
        var second = await SendAsync<UpdateContainer, UpdateContainerResult>(update, id);

        Assert.Equal(2, first.Container.Version);
        Assert.Equal(Json(first.Container), Json(second.Container));
        Assert.Equal(2, (await fixture.Client.Containers.GetAsync("labelled", ns, Ct)).Version);
        await events.SettleAsync(fixture, ns);
        Assert.Single(events.Of<ContainerUpdated>(), e => e.Container.Id == "labelled");
    }

    [Fact]
    public async Task Should_answer_a_second_delete_with_the_container_deleted_rather_than_not_found()
    {
        var ns = Namespace();
        await fixture.Client.Containers.CreateAsync(Create(ns, "doomed"), Ct);
        var events = await WatchAsync(ns);
        var delete = new DeleteContainer { Namespace = ns, Id = "doomed" };
        var id = Guid.NewGuid();

        var first = await SendAsync<DeleteContainer, DeleteContainerResult>(delete, id);
        var second = await SendAsync<DeleteContainer, DeleteContainerResult>(delete, id);

        Assert.Equal(Json(first.Container), Json(second.Container));
        await events.SettleAsync(fixture, ns);
        Assert.Single(events.Of<ContainerDeleted>(), e => e.Id == "doomed");
        // A new command (a new message id) still sees what is there now.
        var again = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.DeleteAsync("doomed", @namespace: ns, cancellationToken: Ct));
        Assert.Equal(ErrorKind.NotFound, again.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_message_id_reused_for_another_command_naming_it()
    {
        var ns = Namespace();
        var id = Guid.NewGuid();
        await SendAsync<CreateContainer, CreateContainerResult>(Create(ns, "original"), id);

        var refused = await Assert.ThrowsAsync<PlatformException>(() => SendAsync<CreateContainer, CreateContainerResult>(Create(ns, "impostor"), id));

        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        Assert.Contains(id.ToString(), refused.Message);
        Assert.Null(await TryGetAsync(ns, "impostor"));
    }

    [Fact]
    public async Task Should_answer_image_writes_delivered_twice_from_their_first_outcome()
    {
        var ns = Namespace();
        var archive = OciImages.Busybox(1).WriteTar(_temp.File(ns + ".tar"));
        var loaded = Assert.Single(await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ns, Unpack = false }, null, Ct));
        var create = new CreateImage { Namespace = ns, Name = "example.com/alias:1", Target = loaded.Image.Target };
        var delete = new DeleteImage { Namespace = ns, Name = "example.com/alias:1" };
        var (createId, deleteId) = (Guid.NewGuid(), Guid.NewGuid());

        var created = await SendAsync<CreateImage, ImageResult>(create, createId);
        var createdAgain = await SendAsync<CreateImage, ImageResult>(create, createId);
        var deleted = await SendAsync<DeleteImage, ImageResult>(delete, deleteId);
        var deletedAgain = await SendAsync<DeleteImage, ImageResult>(delete, deleteId);

        Assert.Equal(JsonSerializer.Serialize(created.Image), JsonSerializer.Serialize(createdAgain.Image));
        Assert.Equal(JsonSerializer.Serialize(deleted.Image), JsonSerializer.Serialize(deletedAgain.Image));
        var gone = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Images.GetAsync("example.com/alias:1", ns, Ct));
        Assert.Equal(ErrorKind.NotFound, gone.Kind);
    }

    public void Dispose() => _temp.Dispose();

    private static string Namespace() => "redeliver-" + Guid.NewGuid().ToString("N")[..8];

    private static CreateContainer Create(string ns, string id) => new() { Namespace = ns, Id = id, Runtime = new() { Name = "runc" }, Spec = Spec };

    private static string Json(Container c) => JsonSerializer.Serialize(c);

    private async Task<Container?> TryGetAsync(string ns, string id)
    {
        try
        {
            return await fixture.Client.Containers.GetAsync(id, ns, Ct);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    private Task<TResult> SendAsync<T, TResult>(T request, Guid messageId)
        where T : class
        where TResult : class
    {
        return SameMessage.SendAsync<T, TResult>(fixture, request, messageId, Ct);
    }

    private async Task<Events> WatchAsync(string ns)
    {
        var events = new Events();
        events.Subscription = await fixture.Client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                events.Seen.Enqueue(e);
            return Task.CompletedTask;
        }, cancellationToken: Ct);
        return events;
    }

    private sealed class Events
    {
        public ConcurrentQueue<IPlatformEvent> Seen { get; } = new();

        public IAsyncDisposable? Subscription { get; set; }

        public IEnumerable<T> Of<T>() => Seen.OfType<T>();

        /// <summary>Events leave in commit order: once a marker written last has arrived, every earlier one has too.</summary>
        public async Task SettleAsync(PlatformFixture fixture, string ns)
        {
            var marker = "marker-" + Guid.NewGuid().ToString("N")[..6];
            await fixture.Client.Containers.CreateAsync(Create(ns, marker), Ct);
            await Eventually.TrueAsync(() => Of<ContainerCreated>().Any(e => e.Container.Id == marker), Ct, because: "the marker's event arrives");
            if (Subscription is not null)
                await Subscription.DisposeAsync();
        }
    }
}
