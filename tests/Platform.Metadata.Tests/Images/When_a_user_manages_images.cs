using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Images;
using Platform.Metadata.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Metadata.Tests.Images;

/// <summary>Images through the real broker and host, via the client library, with a recording stand-in for the content store.</summary>
public sealed class When_a_user_manages_images(ImageFixture fixture) : IClassFixture<ImageFixture>
{
    private const string Busybox = "docker.io/library/busybox:latest";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_reference_before_commit_and_publish_one_event_per_change_in_sequence()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();

        var created = await client.Images.CreateAsync("busybox", ImageSamples.Manifest(1), new Dictionary<string, string> { ["tier"] = "base" }, ns, Ct);
        var labelled = await client.Images.SetLabelsAsync("busybox:latest", new Dictionary<string, string?> { ["owner"] = "alice", ["tier"] = null }, ns, Ct);
        var moved = await client.Images.SetTargetAsync("docker.io/library/busybox", ImageSamples.Manifest(2), expectedVersion: 2, @namespace: ns, cancellationToken: Ct);
        var deleted = await client.Images.DeleteAsync("busybox", @namespace: ns, cancellationToken: Ct);
        // A later write in the namespace: once its event is in, any duplicate of the earlier ones would be too.
        await client.Images.CreateAsync("sentinel", ImageSamples.Manifest(3), @namespace: ns, cancellationToken: Ct);
        await Eventually.TrueAsync(() => fixture.EventsIn<ImageCreated>(ns).Any(e => e.Image.Name.Contains("sentinel")), Ct);

        Assert.Equal(Busybox, created.Name);
        Assert.Equal((1, created.CreatedAt), (created.Version, created.UpdatedAt));
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "alice" }, labelled.Labels);
        Assert.Equal((3L, ImageSamples.Manifest(2)), (moved.Version, moved.Target));
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "alice" }, moved.Labels);
        Assert.Equal(3, deleted.Version);

        var events = fixture.EventsIn(ns).Where(e => NameOf(e) == Busybox).ToList();
        Assert.Collection(events,
            e => Assert.Equal(1, Assert.IsType<ImageCreated>(e).Sequence),
            e => Assert.Null(Assert.IsType<ImageUpdated>(e).PreviousTarget),
            e => Assert.Equal(ImageSamples.Manifest(1), Assert.IsType<ImageUpdated>(e).PreviousTarget),
            e => Assert.Equal((ImageSamples.Manifest(2), created.CreatedAt), (Assert.IsType<ImageDeleted>(e).Target, ((ImageDeleted)e).CreatedAt)));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.Sequence));
        Assert.Equal(4, events.Select(e => e.EventId).Distinct().Count());

        // One reference per target, each taken while the store did not yet hold it; a label change takes none.
        var calls = fixture.References.CallsIn(ns).Where(c => c.Image.Name == Busybox).ToList();
        Assert.Equal(["add", "add"], calls.Select(c => c.Operation));
        Assert.Null(calls[0].StoredThen);
        Assert.Equal(ImageSamples.Digest(1), calls[0].Image.Target.Digest);
        Assert.Equal(ImageSamples.Digest(2), calls[1].Image.Target.Digest);
        Assert.Equal(ImageSamples.Digest(1), calls[1].StoredThen!.Target.Digest);
        Assert.All(calls, c => Assert.Equal(created.CreatedAt, c.Image.CreatedAt));
    }

    [Fact]
    public async Task Should_treat_every_spelling_of_a_name_as_one_image()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        await client.Images.CreateAsync("busybox", ImageSamples.Manifest(1), @namespace: ns, cancellationToken: Ct);

        var got = await client.Images.GetAsync("docker.io/library/busybox:latest", ns, Ct);
        var again = await Assert.ThrowsAsync<PlatformException>(() =>
            client.Images.CreateAsync("index.docker.io/library/busybox", ImageSamples.Manifest(2), @namespace: ns, cancellationToken: Ct));

        Assert.Equal(Busybox, got.Name);
        Assert.Equal(ErrorKind.AlreadyExists, again.Kind);
        Assert.Equal($"image {Busybox} already exists in namespace {ns}", again.Message);
        // The early check refused it: no reference was taken for nothing.
        Assert.Single(fixture.References.CallsIn(ns));
    }

    [Fact]
    public async Task Should_remove_its_reference_when_the_commit_fails()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        var racer = ImageSamples.Image(ns, Busybox, target: 7) with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-1) };
        // Another writer commits the same name while this create is taking its reference.
        fixture.References.DuringAdd[ns] = async _ =>
        {
            fixture.References.DuringAdd.TryRemove(ns, out var _);
            await fixture.Store.CreateAsync(racer, seq => new ImageCreated
            {
                EventId = Guid.NewGuid(), Timestamp = racer.CreatedAt, Namespace = ns, Sequence = seq, Image = racer,
            }, CancellationToken.None);
        };

        var error = await Assert.ThrowsAsync<PlatformException>(() => client.Images.CreateAsync("busybox", ImageSamples.Manifest(1), @namespace: ns, cancellationToken: Ct));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        var calls = fixture.References.CallsIn(ns);
        Assert.Equal(["add", "remove"], calls.Select(c => c.Operation));
        // The compensation releases this attempt's reference (its own target and generation), not the winner's.
        Assert.Equal(calls[0].Image, calls[1].Image);
        Assert.Equal(ImageSamples.Digest(1), calls[1].Image.Target.Digest);
        Assert.NotEqual(racer.CreatedAt, calls[1].Image.CreatedAt);
        Assert.Equal(ImageSamples.Digest(7), (await client.Images.GetAsync("busybox", ns, Ct)).Target.Digest);
    }

    [Fact]
    public async Task Should_refuse_an_image_of_missing_content_with_the_content_store_s_not_found()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        fixture.References.MissingContent[ImageSamples.Digest(404)] = true;
        await client.Images.CreateAsync("present", ImageSamples.Manifest(1), @namespace: ns, cancellationToken: Ct);

        var create = await Assert.ThrowsAsync<PlatformException>(() => client.Images.CreateAsync("absent", ImageSamples.Manifest(404), @namespace: ns, cancellationToken: Ct));
        var retarget = await Assert.ThrowsAsync<PlatformException>(() => client.Images.SetTargetAsync("present", ImageSamples.Manifest(404), @namespace: ns, cancellationToken: Ct));

        Assert.Equal((ErrorKind.NotFound, $"content {ImageSamples.Digest(404)} not found"), (create.Kind, create.Message));
        Assert.Equal((ErrorKind.NotFound, $"content {ImageSamples.Digest(404)} not found"), (retarget.Kind, retarget.Message));
        Assert.Equal(["docker.io/library/present:latest"], await client.Images.ListAsync(@namespace: ns, cancellationToken: Ct).Select(i => i.Name).ToListAsync(Ct));
        var present = await client.Images.GetAsync("present", ns, Ct);
        Assert.Equal((1L, ImageSamples.Digest(1)), (present.Version, present.Target.Digest));
        Assert.DoesNotContain(fixture.References.CallsIn(ns), c => c.Operation == "remove");
    }

    [Fact]
    public async Task Should_answer_each_refusal_with_its_kind_and_a_message_naming_the_image()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        await client.Images.CreateAsync("busybox", ImageSamples.Manifest(1), @namespace: ns, cancellationToken: Ct);

        async Task<PlatformException> Refused(Func<Task> call) => await Assert.ThrowsAsync<PlatformException>(call);

        var get = await Refused(() => client.Images.GetAsync("alpine", ns, Ct));
        var update = await Refused(() => client.Images.SetLabelsAsync("alpine", new Dictionary<string, string?> { ["a"] = "b" }, ns, Ct));
        var delete = await Refused(() => client.Images.DeleteAsync("alpine", @namespace: ns, cancellationToken: Ct));
        var badName = await Refused(() => client.Images.CreateAsync("BusyBox", ImageSamples.Manifest(1), @namespace: ns, cancellationToken: Ct));
        var badType = await Refused(() => client.Images.CreateAsync("x", ImageSamples.Manifest(1, "application/json"), @namespace: ns, cancellationToken: Ct));
        var badPath = await Refused(() => client.Images.UpdateAsync(new UpdateImage { Namespace = ns, Name = "busybox", UpdateMask = ["name"] }, Ct));
        var stale = await Refused(() => client.Images.DeleteAsync("busybox", expectedVersion: 5, @namespace: ns, cancellationToken: Ct));
        var badFilter = await Refused(() => client.Images.ListAsync(["name=~x"], ns, cancellationToken: Ct).ToListAsync(Ct).AsTask());

        Assert.Equal((ErrorKind.NotFound, $"image docker.io/library/alpine:latest not found in namespace {ns}"), (get.Kind, get.Message));
        Assert.Equal((ErrorKind.NotFound, get.Message), (update.Kind, update.Message));
        Assert.Equal((ErrorKind.NotFound, get.Message), (delete.Kind, delete.Message));
        Assert.Equal(ErrorKind.InvalidArgument, badName.Kind);
        Assert.Contains("image name \"BusyBox\" is invalid", badName.Message);
        Assert.Equal(ErrorKind.InvalidArgument, badType.Kind);
        Assert.Contains("target.mediaType \"application/json\"", badType.Message);
        Assert.Equal(ErrorKind.InvalidArgument, badPath.Kind);
        Assert.Contains("cannot update name", badPath.Message);
        Assert.Equal(ErrorKind.FailedPrecondition, stale.Kind);
        Assert.Equal(ErrorKind.InvalidArgument, badFilter.Kind);
        Assert.Equal(1, (await client.Images.GetAsync("busybox", ns, Ct)).Version);
    }

    [Fact]
    public async Task Should_list_by_filters_in_name_order_across_pages()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        string[] names = ["busybox", "busybox:1.36", "alpine:3", "acc/bb:1", "127.0.0.1:5000/x:1", "ghcr.io/o/i:v2", "localhost/y"];
        for (var i = 0; i < names.Length; i++)
            await client.Images.CreateAsync(names[i], ImageSamples.Manifest(i % 2 + 1),
                new Dictionary<string, string> { ["env"] = i < 3 ? "prod" : "dev" }, ns, Ct);
        var normalised = names.Select(n => Platform.Common.References.ImageName.Normalize(n)).Order(StringComparer.Ordinal).ToList();

        var all = await client.Images.ListAsync(@namespace: ns, pageSize: 2, cancellationToken: Ct).Select(i => i.Name).ToListAsync(Ct);
        var firstPage = await client.Images.ListPageAsync(new ListImages { Namespace = ns, Limit = 3 }, Ct);
        var prod = await client.Images.ListAsync(["labels.env==prod"], ns, pageSize: 1, cancellationToken: Ct).Select(i => i.Name).ToListAsync(Ct);
        var byDigest = await client.Images.ListAsync([$"target.digest=={ImageSamples.Digest(2)},name~=busybox"], ns, cancellationToken: Ct).Select(i => i.Name).ToListAsync(Ct);
        var containerToken = await Assert.ThrowsAsync<PlatformException>(() => client.Images.ListPageAsync(new ListImages
        {
            Namespace = ns, ContinuationToken = Convert.ToBase64String("c1:x"u8.ToArray()),
        }, Ct));

        Assert.Equal(normalised, all);
        Assert.Equal(normalised.Take(3), firstPage.Images.Select(i => i.Name));
        Assert.NotNull(firstPage.ContinuationToken);
        Assert.Equal(["docker.io/library/alpine:3", "docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"], prod);
        Assert.Equal(["docker.io/library/busybox:1.36"], byDigest);
        Assert.Equal(ErrorKind.InvalidArgument, containerToken.Kind);
    }

    [Fact]
    public async Task Should_tag_an_image_as_a_new_name_with_its_target_and_labels()
    {
        var client = fixture.Client;
        var ns = ImageFixture.NewNamespace();
        var source = await client.Images.CreateAsync("busybox:1.36", ImageSamples.Manifest(5), new Dictionary<string, string> { ["from"] = "hub" }, ns, Ct);

        var tagged = await client.Images.TagAsync("busybox:1.36", "127.0.0.1:5000/mirror/busybox:1.36", ns, Ct);
        var again = await Assert.ThrowsAsync<PlatformException>(() => client.Images.TagAsync("busybox:1.36", "127.0.0.1:5000/mirror/busybox:1.36", ns, Ct));
        var missing = await Assert.ThrowsAsync<PlatformException>(() => client.Images.TagAsync("nope", "other", ns, Ct));

        Assert.Equal("127.0.0.1:5000/mirror/busybox:1.36", tagged.Name);
        Assert.Equal(source.Target, tagged.Target);
        Assert.Equal(source.Labels, tagged.Labels);
        Assert.Equal(ErrorKind.AlreadyExists, again.Kind);
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Contains(fixture.References.CallsIn(ns), c => c.Operation == "add" && c.Image.Name == tagged.Name && c.Image.Target == source.Target);
    }

    private static string NameOf(IPlatformEvent e) => e switch
    {
        ImageCreated c => c.Image.Name,
        ImageUpdated u => u.Image.Name,
        ImageDeleted d => d.Name,
        _ => "",
    };
}
