using System.Text;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Registry.Tests.Support;
using Xunit;

namespace Platform.Registry.Tests;

[Collection(RegistryCollection.Name)]
public sealed class When_pushing_to_a_real_registry(RegistryFixture registry)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_store_an_image_that_skopeo_and_the_client_read_back()
    {
        registry.Require();
        using var client = registry.Client();
        var image = TestImage.Create(Guid.NewGuid().ToString());

        Assert.True(await client.PushBlobAsync("pushed/app", image.LayerDescriptor, () => new MemoryStream(image.Layer), Ct));
        Assert.True(await client.PushBlobAsync("pushed/app", image.ConfigDescriptor, () => new MemoryStream(image.Config), Ct));
        var pushed = await client.PushManifestAsync("pushed/app", "v1", MediaTypes.OciManifest, image.Manifest, Ct);

        Assert.Equal(image.ManifestDescriptor, pushed);
        Assert.Equal(image.Manifest, await registry.SkopeoRawAsync("pushed/app", "v1"));
        var resolved = await client.ResolveAsync("pushed/app", "v1", Ct);
        Assert.Equal(image.ManifestDescriptor, resolved.Descriptor);
        Assert.Equal(image.Layer, await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("pushed/app", image.LayerDescriptor, Ct)));
    }

    [Fact]
    public async Task Should_skip_blobs_the_registry_already_has_without_reading_them()
    {
        registry.Require();
        using var client = registry.Client();
        var image = registry.Seeded;

        var uploaded = await client.PushBlobAsync(RegistryFixture.SeededRepository, image.LayerDescriptor,
            () => throw new InvalidOperationException("An existing blob's content was read."), Ct);

        Assert.False(uploaded);
    }

    [Fact]
    public async Task Should_upload_in_chunks_when_the_blob_is_larger_than_a_chunk()
    {
        registry.Require();
        using var client = registry.Client(new RegistryClientOptions { UploadChunkSize = 1024 });
        var image = TestImage.Create(Guid.NewGuid().ToString(), noiseBytes: 5000);
        Assert.True(image.Layer.Length > 4 * 1024);

        Assert.True(await client.PushBlobAsync("chunked/app", image.LayerDescriptor, () => new MemoryStream(image.Layer), Ct));

        Assert.Equal(image.Layer, await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("chunked/app", image.LayerDescriptor, Ct)));
    }

    [Fact]
    public async Task Should_store_a_manifest_under_its_digest()
    {
        registry.Require();
        using var client = registry.Client();
        var image = TestImage.Create(Guid.NewGuid().ToString());
        await client.PushBlobAsync("bydigest/app", image.LayerDescriptor, () => new MemoryStream(image.Layer), Ct);
        await client.PushBlobAsync("bydigest/app", image.ConfigDescriptor, () => new MemoryStream(image.Config), Ct);

        await client.PushManifestAsync("bydigest/app", image.ManifestDescriptor.Digest, MediaTypes.OciManifest, image.Manifest, Ct);

        Assert.Equal(image.Manifest, await registry.SkopeoRawAsync("bydigest/app", image.ManifestDescriptor.Digest));
    }

    [Fact]
    public async Task Should_be_Rejected_when_the_content_does_not_match_the_digest()
    {
        registry.Require();
        using var client = registry.Client();
        var content = Encoding.UTF8.GetBytes("the real content");
        var claimed = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = TestImage.Digest(Encoding.UTF8.GetBytes("other content!!!")), Size = content.Length };

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync("bad/app", claimed, () => new MemoryStream(content), Ct));

        Assert.Equal(RegistryErrorKind.Rejected, e.Kind);
        Assert.Contains("DIGEST_INVALID", e.Message);
    }

    [Fact]
    public async Task Should_be_Rejected_when_the_manifest_names_blobs_not_pushed()
    {
        registry.Require();
        using var client = registry.Client();
        var image = TestImage.Create(Guid.NewGuid().ToString());

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.PushManifestAsync("orphan/app", "v1", MediaTypes.OciManifest, image.Manifest, Ct));

        Assert.Equal(RegistryErrorKind.Rejected, e.Kind);
        Assert.Contains("BLOB_UNKNOWN", e.Message);
    }
}
