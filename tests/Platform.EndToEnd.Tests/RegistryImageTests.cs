using System.Text;
using Platform.Client;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Testing;
using Platform.Testing.Registries;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>Two real registries on 127.0.0.1 (one open, one behind htpasswd) beside the platform fixture's services.</summary>
public sealed class RegistriesFixture : IAsyncLifetime
{
    private readonly TempDir _layouts = new();

    public LocalRegistry Open { get; private set; } = null!;

    public LocalRegistry Authenticated { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Open = await LocalRegistry.StartAsync();
        Authenticated = await LocalRegistry.StartAsync(htpasswd: true);
    }

    /// <summary>Copies <paramref name="builder"/>'s image listed under ref name <paramref name="tag"/> to <c>repository:tag</c>.</summary>
    public async Task SeedAsync(LocalRegistry registry, OciLayoutBuilder builder, string repository, string tag)
    {
        registry.Require();
        var folder = builder.WriteFolder(_layouts.File(Guid.NewGuid().ToString("N")));
        await registry.SeedAsync(folder, tag, repository, tag);
    }

    public async ValueTask DisposeAsync()
    {
        await Open.DisposeAsync();
        await Authenticated.DisposeAsync();
        _layouts.Dispose();
    }
}

/// <summary>Pull and push between the real registry and the platform, through the client library.</summary>
public sealed class When_images_move_between_a_registry_and_the_platform(PlatformFixture fixture, RegistriesFixture registries)
    : IClassFixture<PlatformFixture>, IClassFixture<RegistriesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PlatformClient Client => fixture.Client;

    private static string NewNamespace() => "reg-" + Guid.NewGuid().ToString("N")[..8];

    private static readonly IRegistryCredentialSource NoCredentials = new NoCredentialSource();

    private static ImagePullOptions Pull(string ns) => new() { PlainHttp = true, Namespace = ns, CredentialSource = NoCredentials };

    /// <summary>Busybox and a layer of its own, so the image shares no config or top layer with any other test's.</summary>
    private static (OciLayoutBuilder Builder, OciLayoutBuilder.Image Image) UniqueImage(string tag, params byte[][] extraLayers)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("etc/marker", Guid.NewGuid().ToString()), .. extraLayers]);
        builder.Name(image.Descriptor, "x:" + tag);
        return (builder, image);
    }

    private async Task<(string Repository, OciLayoutBuilder.Image Image)> SeedUniqueAsync(params byte[][] extraLayers)
    {
        var (builder, image) = UniqueImage("v1", extraLayers);
        var repository = "app/" + Guid.NewGuid().ToString("N")[..8];
        await registries.SeedAsync(registries.Open, builder, repository, "v1");
        return (repository, image);
    }

    [Fact]
    public async Task Pulling_by_tag_names_the_image_stores_its_content_and_unpacks_a_chain_a_container_can_use()
    {
        var ns = NewNamespace();
        var (repository, seeded) = await SeedUniqueAsync();
        var reference = $"{registries.Open.Host}/{repository}:v1";

        var pulled = await new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct);

        Assert.Equal(reference, pulled.Image.Name);
        Assert.Equal(seeded.ManifestDigest, pulled.Image.Target.Digest);
        Assert.Equal(MediaTypes.OciManifest, pulled.Image.Target.MediaType);
        var listed = await Client.Images.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Equal([reference], listed.Select(i => i.Name));
        foreach (var digest in seeded.LayerDigests.Append(seeded.ConfigDigest).Append(seeded.ManifestDigest))
            Assert.Equal(digest, (await Client.Content.InfoAsync(digest, ns, Ct)).Digest);

        var unpacked = Assert.IsType<UnpackImageResult>(pulled.Unpacked);
        Assert.Equal(ChainId(seeded.DiffIds), unpacked.ChainId);
        var chain = await Client.Snapshots.StatAsync(unpacked.ChainId, unpacked.Snapshotter, ns, Ct);
        Assert.Equal(SnapshotKind.Committed, chain.Kind);
        await Client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = unpacked.Snapshotter, Key = "x", Parent = unpacked.ChainId }, Ct);
        var container = await Client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = "from-pull", Image = reference, Runtime = new RuntimeInfo { Name = "runc" },
            Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""", Snapshotter = unpacked.Snapshotter, SnapshotKey = "x",
        }, Ct);
        Assert.Equal("x", container.SnapshotKey);
    }

    [Fact]
    public async Task Pulling_again_fetches_no_blob()
    {
        var ns = NewNamespace();
        var (repository, seeded) = await SeedUniqueAsync();
        await using var proxy = new RecordingProxy(registries.Open.Port);
        var reference = $"{proxy.Host}/{repository}:v1";

        await new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct);
        var first = proxy.BlobGets;
        proxy.Clear();
        var again = await new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct);

        // The first pull fetched what no namespace had (the config and marker layer at least); the second nothing at all.
        Assert.Contains(first, r => r.Path.EndsWith(seeded.LayerDigests[1], StringComparison.Ordinal));
        Assert.Contains(first, r => r.Path.EndsWith(seeded.ConfigDigest, StringComparison.Ordinal));
        Assert.Empty(proxy.BlobGets);
        Assert.NotEmpty(proxy.Requests); // it did resolve the tag again
        Assert.Equal(0, again.Unpacked!.Unpacked);
    }

    [Fact]
    public async Task Pulling_a_multi_platform_index_takes_only_the_hosts_blobs_and_keeps_the_index()
    {
        var ns = NewNamespace();
        var builder = new OciLayoutBuilder();
        var amd64 = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("etc/marker", Guid.NewGuid().ToString())]);
        var arm64 = builder.AddImage([OciImages.FileLayer("etc/arch", "arm64 " + Guid.NewGuid())], architecture: "arm64", variant: "v8");
        var index = builder.AddIndex([amd64, arm64]);
        builder.Name(index, "x:v1");
        var repository = "multi/" + Guid.NewGuid().ToString("N")[..8];
        await registries.SeedAsync(registries.Open, builder, repository, "v1");

        var pulled = await new ImagePuller(Client).PullAsync($"{registries.Open.Host}/{repository}:v1", Pull(ns), cancellationToken: Ct);

        Assert.Equal((string)index["digest"]!, pulled.Image.Target.Digest);
        Assert.Equal(MediaTypes.OciIndex, pulled.Image.Target.MediaType);
        Assert.Equal(amd64.ManifestDigest, pulled.Unpacked!.Manifest);
        var stored = await Client.Content.ListAsync(null, ns, cancellationToken: Ct).Select(c => c.Digest).ToListAsync(Ct);
        string[] expected = [(string)index["digest"]!, amd64.ManifestDigest, amd64.ConfigDigest, .. amd64.LayerDigests];
        Assert.Equal(expected.Order(), stored.Order());
    }

    [Fact]
    public async Task An_interrupted_pull_resumes_the_layer_with_a_range_request()
    {
        var ns = NewNamespace();
        var noise = Encoding.ASCII.GetBytes(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4 * 1024 * 1024)));
        var big = OciImages.FileLayer("noise.txt", Encoding.ASCII.GetString(noise));
        var (repository, seeded) = await SeedUniqueAsync(big);
        var layer = OciImages.Gzip(big);
        var layerDigest = seeded.LayerDigests[2];
        Assert.Equal(OciImages.DigestOf(layer), layerDigest);
        // An earlier pull got this far: its ingest holds the first part of the layer.
        var half = layer.Length / 2;
        await Assert.ThrowsAsync<IOException>(() => Client.Content.WriteAsync(new FailingAfter(layer, half), layer.Length, layerDigest, "pull-" + layerDigest,
            @namespace: ns, cancellationToken: Ct));
        await using var proxy = new RecordingProxy(registries.Open.Port);

        var pulled = await new ImagePuller(Client).PullAsync($"{proxy.Host}/{repository}:v1", Pull(ns), cancellationToken: Ct);

        var get = Assert.Single(proxy.BlobGets, r => r.Path.EndsWith(layerDigest, StringComparison.Ordinal));
        Assert.NotNull(get.Range);
        var offset = long.Parse(get.Range!["bytes=".Length..].TrimEnd('-'));
        Assert.InRange(offset, 1, half);
        Assert.Equal(layer.Length, (await Client.Content.InfoAsync(layerDigest, ns, Ct)).Size);
        Assert.Equal(ChainId(seeded.DiffIds), pulled.Unpacked!.ChainId);
    }

    [Fact]
    public async Task Two_pulls_of_one_image_at_once_both_succeed_and_leave_one_chain()
    {
        var ns = NewNamespace();
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        var (repository, seeded) = await SeedUniqueAsync(OciImages.FileLayer("noise.txt", noise));
        var reference = $"{registries.Open.Host}/{repository}:v1";

        var pulls = await Task.WhenAll(
            new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct),
            new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct));

        Assert.All(pulls, p => Assert.Equal(seeded.ManifestDigest, p.Image.Target.Digest));
        Assert.Equal(pulls[0].Unpacked!.ChainId, pulls[1].Unpacked!.ChainId);
        var snapshots = await Client.Snapshots.ListAsync(null, pulls[0].Unpacked!.Snapshotter, ns, cancellationToken: Ct).ToListAsync(Ct);
        Assert.Single(snapshots, s => s.Key == pulls[0].Unpacked!.ChainId);
        Assert.Equal(3, snapshots.Count(s => s.Kind == SnapshotKind.Committed)); // one per layer of the chain
        Assert.Single(await Client.Images.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Pulling_by_digest_names_the_image_by_its_digest()
    {
        var ns = NewNamespace();
        var (repository, seeded) = await SeedUniqueAsync();
        var reference = $"{registries.Open.Host}/{repository}@{seeded.ManifestDigest}";

        var pulled = await new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct);

        Assert.Equal(reference, pulled.Image.Name);
        Assert.Equal(seeded.ManifestDigest, pulled.Image.Target.Digest);
    }

    [Fact]
    public async Task A_registry_that_wants_credentials_refuses_an_anonymous_pull_with_PermissionDenied_naming_it()
    {
        var ns = NewNamespace();
        var (builder, image) = UniqueImage("v1");
        await registries.SeedAsync(registries.Authenticated, builder, "private/app", "v1");
        var reference = $"{registries.Authenticated.Host}/private/app:v1";

        var e = await Assert.ThrowsAsync<PlatformException>(() => new ImagePuller(Client).PullAsync(reference, Pull(ns), cancellationToken: Ct));
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Contains(registries.Authenticated.Host, e.Message);
        Assert.Contains("private/app", e.Message);

        var wrong = await Assert.ThrowsAsync<PlatformException>(() => new ImagePuller(Client).PullAsync(reference,
            Pull(ns) with { Credentials = new RegistryCredentials(LocalRegistry.User, "wrong") }, cancellationToken: Ct));
        Assert.Equal(ErrorKind.PermissionDenied, wrong.Kind);

        var pulled = await new ImagePuller(Client).PullAsync(reference,
            Pull(ns) with { Credentials = new RegistryCredentials(LocalRegistry.User, LocalRegistry.Password) }, cancellationToken: Ct);
        Assert.Equal(image.ManifestDigest, pulled.Image.Target.Digest);
    }

    [Fact]
    public async Task A_registry_that_is_down_is_Unavailable()
    {
        var host = $"127.0.0.1:{LocalRegistry.FreePort()}";

        var e = await Assert.ThrowsAsync<PlatformException>(() => new ImagePuller(Client).PullAsync($"{host}/app:v1", Pull(NewNamespace()), cancellationToken: Ct));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains(host, e.Message);
    }

    [Fact]
    public async Task A_loopback_registry_spoken_to_over_https_suggests_plain_http()
    {
        registries.Open.Require();

        var e = await Assert.ThrowsAsync<PlatformException>(() => new ImagePuller(Client).PullAsync($"{registries.Open.Host}/app:v1",
            Pull(NewNamespace()) with { PlainHttp = false }, cancellationToken: Ct));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains("--plain-http", e.Message);
    }

    [Fact]
    public async Task A_missing_tag_is_NotFound_and_nothing_is_named()
    {
        var ns = NewNamespace();
        var (repository, _) = await SeedUniqueAsync();

        var e = await Assert.ThrowsAsync<PlatformException>(() => new ImagePuller(Client).PullAsync($"{registries.Open.Host}/{repository}:nope", Pull(ns), cancellationToken: Ct));

        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("nope", e.Message);
        Assert.Empty(await Client.Images.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_loaded_image_pushed_to_the_registry_has_the_same_manifest_digest_there_and_pulls_back()
    {
        registries.Open.Require();
        var ns = NewNamespace();
        using var dir = new TempDir();
        var (builder, image) = UniqueImage("v1");
        await new ImageLoader(Client).LoadAsync(builder.WriteTar(dir.File("image.tar")), new ImageLoadOptions { Namespace = ns, Unpack = false }, cancellationToken: Ct);
        var repository = "pushed/" + Guid.NewGuid().ToString("N")[..8];

        var pushed = await new ImagePusher(Client).PushAsync("x:v1", $"{registries.Open.Host}/{repository}:v2",
            new ImagePushOptions { PlainHttp = true, Namespace = ns, CredentialSource = NoCredentials }, cancellationToken: Ct);

        Assert.Equal(image.ManifestDigest, pushed.Target.Digest);
        Assert.Equal(image.ManifestDigest, (await registries.Open.SkopeoInspectAsync(repository, "v2")).GetProperty("Digest").GetString());
        var back = await new ImagePuller(Client).PullAsync($"{registries.Open.Host}/{repository}:v2", Pull(NewNamespace()), cancellationToken: Ct);
        Assert.Equal(image.ManifestDigest, back.Image.Target.Digest);
    }

    [Fact]
    public async Task A_pulled_multi_platform_image_pushes_its_hosts_manifest_but_not_an_index_missing_the_others()
    {
        var ns = NewNamespace();
        var (builder, amd64, _, index) = OciImages.MultiPlatform();
        var repository = "multi/" + Guid.NewGuid().ToString("N")[..8];
        await registries.SeedAsync(registries.Open, builder, repository, "1.36");
        var pulled = await new ImagePuller(Client).PullAsync($"{registries.Open.Host}/{repository}:1.36", Pull(ns) with { Unpack = false }, cancellationToken: Ct);
        var options = new ImagePushOptions { PlainHttp = true, Namespace = ns, CredentialSource = NoCredentials };

        var whole = await Assert.ThrowsAsync<PlatformException>(() =>
            new ImagePusher(Client).PushAsync(pulled.Image.Name, $"{registries.Open.Host}/{repository}-copy:1", options, cancellationToken: Ct));
        Assert.Equal(ErrorKind.FailedPrecondition, whole.Kind);
        Assert.Contains("linux/arm64/v8", whole.Message);

        var pushed = await new ImagePusher(Client).PushAsync(pulled.Image.Name, $"{registries.Open.Host}/{repository}-copy:1",
            options with { Platform = ImagePlatform.Host }, cancellationToken: Ct);
        Assert.Equal(amd64.ManifestDigest, pushed.Target.Digest);
        Assert.Equal(amd64.ManifestDigest, (await registries.Open.SkopeoInspectAsync($"{repository}-copy", "1")).GetProperty("Digest").GetString());
        Assert.NotEqual((string)index["digest"]!, pushed.Target.Digest);
    }

    [Fact]
    public async Task Pushing_an_image_whose_layer_is_not_stored_is_NotFound_naming_the_layer()
    {
        registries.Open.Require();
        var ns = NewNamespace();
        var (builder, image) = UniqueImage("v1");
        var manifest = builder.Blobs[image.ManifestDigest];
        await Client.Content.WriteAsync(new MemoryStream(manifest), manifest.Length, image.ManifestDigest, "test-manifest", @namespace: ns, cancellationToken: Ct);
        var config = builder.Blobs[image.ConfigDigest];
        await Client.Content.WriteAsync(new MemoryStream(config), config.Length, image.ConfigDigest, "test-config", @namespace: ns, cancellationToken: Ct);
        await Client.Images.CreateAsync("partial/app:v1", new Contracts.Images.Descriptor { MediaType = MediaTypes.OciManifest, Digest = image.ManifestDigest, Size = manifest.Length },
            null, ns, Ct);

        var e = await Assert.ThrowsAsync<PlatformException>(() => new ImagePusher(Client).PushAsync("partial/app:v1", $"{registries.Open.Host}/partial/app:v1",
            new ImagePushOptions { PlainHttp = true, Namespace = ns, CredentialSource = NoCredentials }, cancellationToken: Ct));

        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains(image.LayerDigests[0], e.Message);
    }

    /// <summary>chainID(L1) = diffID(L1); chainID(L1..n) = sha256 of "chainID(L1..n-1) diffID(Ln)".</summary>
    private static string ChainId(IReadOnlyList<string> diffIds) =>
        diffIds.Skip(1).Aggregate(diffIds[0], (chain, diff) => OciImages.DigestOf(Encoding.UTF8.GetBytes(chain + " " + diff)));

    private sealed class NoCredentialSource : IRegistryCredentialSource
    {
        public RegistryCredentials? Find(string host) => null;
    }

    /// <summary>Gives the first <c>limit</c> bytes, then fails as a dropped connection would.</summary>
    private sealed class FailingAfter(byte[] content, int limit) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= limit)
                throw new IOException("connection dropped");
            var n = Math.Min(count, limit - _position);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => content.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
