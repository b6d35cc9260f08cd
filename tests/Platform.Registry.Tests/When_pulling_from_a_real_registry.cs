using System.Security.Cryptography;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Registry.Tests.Support;
using Xunit;

namespace Platform.Registry.Tests;

[Collection(RegistryCollection.Name)]
public sealed class When_pulling_from_a_real_registry(RegistryFixture registry)
{
    private const string Repo = RegistryFixture.SeededRepository;
    private TestImage Image => registry.Seeded;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_resolve_a_tag_to_the_manifest_skopeo_pushed()
    {
        registry.Require();
        using var client = registry.Client();

        var manifest = await client.ResolveAsync(Repo, RegistryFixture.SeededTag, Ct);

        var raw = await registry.SkopeoRawAsync(Repo, RegistryFixture.SeededTag);
        Assert.Equal(raw, manifest.Bytes);
        Assert.Equal(TestImage.Digest(raw), manifest.Descriptor.Digest);
        Assert.Equal(Image.ManifestDescriptor, manifest.Descriptor);
    }

    [Fact]
    public async Task Should_fetch_the_manifest_by_its_digest()
    {
        registry.Require();
        using var client = registry.Client();

        var manifest = await client.FetchManifestAsync(Repo, Image.ManifestDescriptor.Digest, Ct);

        Assert.Equal(Image.Manifest, manifest.Bytes);
        Assert.Equal(MediaTypes.OciManifest, manifest.Descriptor.MediaType);
    }

    [Fact]
    public async Task Should_fetch_the_config_and_the_layer_verified()
    {
        registry.Require();
        using var client = registry.Client();

        Assert.Equal(Image.Config, await ReadAllAsync(await client.OpenBlobAsync(Repo, Image.ConfigDescriptor, Ct)));
        Assert.Equal(Image.Layer, await ReadAllAsync(await client.OpenBlobAsync(Repo, Image.LayerDescriptor, Ct)));
        Assert.True(await client.BlobExistsAsync(Repo, Image.LayerDescriptor.Digest, Ct));
    }

    [Fact]
    public async Task Should_report_a_missing_tag_as_NotFound_naming_it()
    {
        registry.Require();
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync(Repo, "nope", Ct));

        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
        Assert.Contains($"{Repo}:nope", e.Message);
        Assert.Contains(registry.Host, e.Message);
        Assert.Contains("MANIFEST_UNKNOWN", e.Message);
    }

    [Fact]
    public async Task Should_report_a_missing_repository_as_NotFound()
    {
        registry.Require();
        using var client = registry.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("no/such-repo", "v1", Ct));

        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
        Assert.Contains("no/such-repo", e.Message);
    }

    [Fact]
    public async Task Should_report_a_missing_blob_as_NotFound()
    {
        registry.Require();
        using var client = registry.Client();
        var missing = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = TestImage.Digest([1, 2, 3]), Size = 3 };

        Assert.False(await client.BlobExistsAsync(Repo, missing.Digest, Ct));
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.OpenBlobAsync(Repo, missing, Ct));

        Assert.Equal(RegistryErrorKind.NotFound, e.Kind);
        Assert.Contains(missing.Digest, e.Message);
    }

    [Fact]
    public async Task Should_resume_a_layer_from_an_offset_with_a_range_request_and_verify_the_whole()
    {
        registry.Require();
        using var recorder = new RecordingHandler();
        using var client = new RegistryClient(registry.Host, new RegistryClientOptions { PlainHttp = true }, recorder);
        var offset = Image.Layer.Length / 2;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Image.Layer, 0, offset);

        var rest = await ReadAllAsync(await client.OpenBlobAsync(Repo, Image.LayerDescriptor, offset, hash, Ct));

        Assert.Equal(Image.Layer[offset..], rest);
        var exchange = Assert.Single(recorder.Exchanges);
        Assert.Equal($"bytes={offset}-", exchange.Range);
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, exchange.Status);
    }

    [Fact]
    public async Task Should_detect_a_resume_whose_prefix_was_not_the_blobs()
    {
        registry.Require();
        using var client = registry.Client();
        var offset = Image.Layer.Length / 2;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(new byte[offset]);

        await using var stream = await client.OpenBlobAsync(Repo, Image.LayerDescriptor, offset, hash, Ct);
        var e = await Assert.ThrowsAsync<RegistryException>(() => stream.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_fetch_blobs_concurrently_through_one_client()
    {
        registry.Require();
        using var client = registry.Client();

        var reads = Enumerable.Range(0, 16).Select(async i =>
        {
            var descriptor = i % 2 == 0 ? Image.LayerDescriptor : Image.ConfigDescriptor;
            return (descriptor, bytes: await ReadAllAsync(await client.OpenBlobAsync(Repo, descriptor, Ct)));
        });

        foreach (var (descriptor, bytes) in await Task.WhenAll(reads))
            Assert.Equal(descriptor.Digest, TestImage.Digest(bytes));
    }

    internal static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, Ct);
            return copy.ToArray();
        }
    }
}
