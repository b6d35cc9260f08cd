using Platform.Client;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Platform.Testing.Registries;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// <see cref="FetchImage"/>: the resource GC service fetching from the real registry straight into its content store, under
/// the caller's lease, labelled for the collector; a tampered blob leaves nothing.
/// </summary>
public sealed class When_the_service_fetches_an_image_from_a_registry(PlatformFixture fixture, RegistriesFixture registries)
    : IClassFixture<PlatformFixture>, IClassFixture<RegistriesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PlatformClient Client => fixture.Client;

    private static string NewNamespace() => "fetch-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(string Repository, OciLayoutBuilder.Image Image)> SeedAsync(params byte[][] extraLayers)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("etc/marker", Guid.NewGuid().ToString()), .. extraLayers]);
        builder.Name(image.Descriptor, "x:v1");
        var repository = "fetch/" + Guid.NewGuid().ToString("N")[..8];
        await registries.SeedAsync(registries.Open, builder, repository, "v1");
        return (repository, image);
    }

    private async Task<Lease> LeaseAsync(string ns) =>
        await Client.Leases.CreateAsync(new CreateLease { Namespace = ns, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10) }, Ct);

    private Task<FetchImageResult> FetchAsync(string ns, string reference, string leaseId) =>
        Client.Images.FetchAsync(new FetchImage { Namespace = ns, Reference = reference, PlainHttp = true, LeaseId = leaseId }, TimeSpan.FromMinutes(1), Ct);

    [Fact]
    public async Task The_content_lands_labelled_with_its_edges_and_held_by_the_lease_and_a_second_fetch_moves_nothing()
    {
        var ns = NewNamespace();
        var (repository, seeded) = await SeedAsync();
        var lease = await LeaseAsync(ns);
        var reference = $"{registries.Open.Host}/{repository}:v1";

        var first = await FetchAsync(ns, reference, lease.Id);

        Assert.Equal(seeded.ManifestDigest, first.Target.Digest);
        Assert.Equal(MediaTypes.OciManifest, first.Target.MediaType);
        Assert.Equal((1, 1, 2), (first.Manifests, first.Configs, first.Layers));
        var manifest = await Client.Content.InfoAsync(seeded.ManifestDigest, ns, Ct);
        Assert.Equal(seeded.ConfigDigest, manifest.Labels["platform.io/gc.ref.content.config"]);
        Assert.Equal(seeded.LayerDigests[0], manifest.Labels["platform.io/gc.ref.content.l.0"]);
        Assert.Equal(seeded.LayerDigests[1], manifest.Labels["platform.io/gc.ref.content.l.1"]);
        string[] all = [seeded.ManifestDigest, seeded.ConfigDigest, .. seeded.LayerDigests];
        var held = await Client.Leases.ListResourcesAsync(lease.Id, ns, Ct);
        Assert.Equal(all.Order(), held.Where(r => r.Kind == "content").Select(r => r.Key).Order());
        var total = first.Blobs.Sum(b => b.Size);
        Assert.Equal(total, first.BytesFetched + first.BytesPresent);
        Assert.True(first.Blobs.Single(b => b.Digest == seeded.LayerDigests[1]).Fetched > 0); // no namespace had the marker layer

        var again = await FetchAsync(ns, reference, lease.Id);

        Assert.Equal(0, again.BytesFetched);
        Assert.Equal(total, again.BytesPresent);
        Assert.All(again.Blobs, b => Assert.Equal(0, b.Fetched));
    }

    [Fact]
    public async Task A_tampered_layer_is_refused_and_leaves_no_content_and_no_ingest()
    {
        var ns = NewNamespace();
        var payload = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256 * 1024));
        var layer = OciImages.FileLayer("payload.txt", payload);
        var (repository, seeded) = await SeedAsync(layer);
        var tampered = seeded.LayerDigests[2];
        // Sixteen bytes at a quarter, half and three quarters of the gzip stream the registry serves, flipped: deep in the
        // random payload, so they occur in no other blob. (The stream's first bytes encode the tar header, which the other
        // layers share: flipping those corrupted the marker layer one run in four.)
        var gzip = OciImages.Gzip(layer);
        var tamper = new[] { 1, 2, 3 }.Select(q => gzip[(gzip.Length * q / 4)..(gzip.Length * q / 4 + 16)])
            .Select(find => (find, find.Select(b => (byte)~b).ToArray())).ToList();
        var lease = await LeaseAsync(ns);
        await using var proxy = new RecordingProxy(registries.Open.Port) { Tamper = tamper };

        var e = await Assert.ThrowsAsync<PlatformException>(() => FetchAsync(ns, $"{proxy.Host}/{repository}:v1", lease.Id));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(tampered, e.Message);
        var missing = await Assert.ThrowsAsync<PlatformException>(() => Client.Content.InfoAsync(tampered, ns, Ct));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        var ingests = Path.Combine(fixture.DataRoot, "content", "ingest");
        var left = Directory.Exists(ingests)
            ? Directory.EnumerateFiles(ingests, "meta.json", SearchOption.AllDirectories).Where(f => File.ReadAllText(f).Contains(tampered)).ToList()
            : [];
        Assert.Empty(left);
        Assert.DoesNotContain(await Client.Leases.ListResourcesAsync(lease.Id, ns, Ct), r => r.Key == tampered);
    }

    [Fact]
    public async Task Wrong_credentials_are_PermissionDenied_naming_the_registry_and_right_ones_fetch()
    {
        var ns = NewNamespace();
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("etc/marker", Guid.NewGuid().ToString())]);
        builder.Name(image.Descriptor, "x:v1");
        await registries.SeedAsync(registries.Authenticated, builder, "private/fetch", "v1");
        var lease = await LeaseAsync(ns);
        FetchImage Request(string password) => new()
        {
            Namespace = ns, Reference = $"{registries.Authenticated.Host}/private/fetch:v1", PlainHttp = true, LeaseId = lease.Id,
            Credentials = new RegistryLogin { Username = LocalRegistry.User, Password = password },
        };

        var e = await Assert.ThrowsAsync<PlatformException>(() => Client.Images.FetchAsync(Request("wrong"), TimeSpan.FromMinutes(1), Ct));

        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Contains(registries.Authenticated.Host, e.Message);
        Assert.DoesNotContain("wrong", e.Message);
        var fetched = await Client.Images.FetchAsync(Request(LocalRegistry.Password), TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(image.ManifestDigest, fetched.Target.Digest);
    }

    [Fact]
    public async Task A_registry_that_is_down_is_Unavailable_and_a_missing_lease_is_NotFound()
    {
        var ns = NewNamespace();
        var host = $"127.0.0.1:{LocalRegistry.FreePort()}";
        var lease = await LeaseAsync(ns);

        var down = await Assert.ThrowsAsync<PlatformException>(() => FetchAsync(ns, $"{host}/app:v1", lease.Id));
        var noLease = await Assert.ThrowsAsync<PlatformException>(() => FetchAsync(ns, $"{host}/app:v1", "no-such-lease"));

        Assert.Equal(ErrorKind.Unavailable, down.Kind);
        Assert.Contains(host, down.Message);
        Assert.Equal(ErrorKind.NotFound, noLease.Kind);
    }
}

/// <summary>A service allowed to pull from one registry only refuses the others before sending them anything.</summary>
public sealed class When_the_service_may_pull_only_from_listed_registries(
    When_the_service_may_pull_only_from_listed_registries.Fixture fixture, RegistriesFixture registries)
    : IClassFixture<When_the_service_may_pull_only_from_listed_registries.Fixture>, IClassFixture<RegistriesFixture>
{
    public sealed class Fixture : PlatformFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ResourceGc:Pull:AllowedRegistries:0"] = "registry.example.com",
        };
    }

    [Fact]
    public async Task Another_registry_is_PermissionDenied_and_is_never_contacted()
    {
        var ns = "fetch-" + Guid.NewGuid().ToString("N")[..8];
        var lease = await fixture.Client.Leases.CreateAsync(new CreateLease { Namespace = ns, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10) },
            TestContext.Current.CancellationToken);
        registries.Open.Require();
        // In front of a real registry, so a request that got through would be answered (and recorded), not refused by the network.
        await using var proxy = new RecordingProxy(registries.Open.Port);

        var e = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Images.FetchAsync(
            new FetchImage { Namespace = ns, Reference = $"{proxy.Host}/app:v1", PlainHttp = true, LeaseId = lease.Id },
            TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Contains(proxy.Host, e.Message);
        Assert.Empty(proxy.Requests);
    }
}
