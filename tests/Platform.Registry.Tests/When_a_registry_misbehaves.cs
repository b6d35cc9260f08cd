using System.Net;
using System.Text;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Registry.Tests.Support;
using Xunit;

namespace Platform.Registry.Tests;

/// <summary>Answers a real registry won't give, from a fake one on 127.0.0.1.</summary>
public sealed class When_a_registry_misbehaves
{
    private static readonly TestImage Image = TestImage.Create("fake");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_detect_a_tampered_blob_of_the_right_length()
    {
        var tampered = (byte[])Image.Layer.Clone();
        tampered[^5] ^= 0xff;
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, tampered, "application/octet-stream"));
        using var client = fake.Client();

        await using var stream = await client.OpenBlobAsync("r", Image.LayerDescriptor, Ct);
        var e = await Assert.ThrowsAsync<RegistryException>(() => stream.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
        Assert.Contains(Image.LayerDescriptor.Digest, e.Message);
    }

    [Fact]
    public async Task Should_leave_the_digest_to_a_caller_that_hashes_and_still_check_the_size()
    {
        var tampered = (byte[])Image.Layer.Clone();
        tampered[^5] ^= 0xff;
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, c.Request.Url!.AbsolutePath.Contains("short") ? tampered[..^1] : tampered));
        using var client = fake.Client();

        // The content store hashes what it writes and refuses a wrong digest itself: the stream hands the bytes over as they came.
        var read = await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobForDigestingCallerAsync("r", Image.LayerDescriptor, 0, Ct));
        Assert.Equal(tampered, read);

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobForDigestingCallerAsync("short", Image.LayerDescriptor, 0, Ct)));
        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_detect_a_blob_shorter_than_its_descriptor()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Layer[..^1]));
        using var client = fake.Client();
        var unstated = Image.LayerDescriptor;

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", unstated, Ct)));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_detect_a_blob_longer_than_its_descriptor()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, [.. Image.Config, .. "{}"u8.ToArray()]));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", Image.ConfigDescriptor, Ct)));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_manifest_whose_stated_digest_is_not_its_content()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciManifest,
            ("Docker-Content-Digest", Image.ConfigDescriptor.Digest)));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_refuse_other_content_under_a_digest_reference()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciManifest));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync("r", Image.ConfigDescriptor.Digest, Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
        Assert.Contains(Image.ManifestDescriptor.Digest, e.Message);
    }

    [Fact]
    public async Task Should_take_the_media_type_from_the_body_when_the_content_type_is_generic()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Manifest, "application/json"));
        using var client = fake.Client();

        var manifest = await client.ResolveAsync("r", "v1", Ct);

        Assert.Equal(Image.ManifestDescriptor, manifest.Descriptor);
    }

    [Fact]
    public async Task Should_refuse_a_manifest_of_an_unknown_media_type()
    {
        var schema1 = Encoding.UTF8.GetBytes("""{"schemaVersion":1,"name":"r","tag":"v1","fsLayers":[]}""");
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, schema1, "application/vnd.docker.distribution.manifest.v1+prettyjws"));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
        Assert.Contains("prettyjws", e.Message);
    }

    [Fact]
    public async Task Should_refuse_a_manifest_whose_content_contradicts_its_content_type()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciIndex));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_manifest_that_is_not_json()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, "<html>"u8.ToArray(), MediaTypes.OciManifest));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_report_a_server_error_as_Unavailable_with_the_registrys_message()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondJsonAsync(c, 503, """{"errors":[{"code":"UNAVAILABLE","message":"storage is down"}]}"""));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains(fake.Host, e.Message);
        Assert.Contains("UNAVAILABLE: storage is down", e.Message);
        Assert.Equal(503, e.StatusCode);
    }

    [Fact]
    public async Task Should_report_a_registry_that_does_not_answer_in_time_as_Unavailable()
    {
        using var answered = new CancellationTokenSource();
        using var fake = new FakeRegistry(async c =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), answered.Token);
            await FakeRegistry.RespondAsync(c, 200, Image.Manifest, MediaTypes.OciManifest);
        });
        using var client = fake.Client(new RegistryClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));
        await answered.CancelAsync();

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains(fake.Host, e.Message);
    }

    [Fact]
    public async Task Should_report_a_closed_port_as_Unavailable_naming_the_registry()
    {
        var host = $"127.0.0.1:{Loopback.FreePort()}";
        using var client = new RegistryClient(host, new RegistryClientOptions { PlainHttp = true });

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("r", "v1", Ct));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains(host, e.Message);
    }

    [Fact]
    public async Task Should_follow_a_redirect_to_where_the_blob_is()
    {
        using var fake = new FakeRegistry(c => c.Request.Url!.AbsolutePath.StartsWith("/cdn/", StringComparison.Ordinal)
            ? FakeRegistry.RespondAsync(c, 200, Image.Layer)
            : FakeRegistry.RespondAsync(c, 307, null, null, ("Location", "/cdn/layer")));
        using var client = fake.Client();

        var bytes = await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", Image.LayerDescriptor, Ct));

        Assert.Equal(Image.Layer, bytes);
        Assert.Contains(fake.Requests, r => r.Path == "/cdn/layer");
    }

    [Fact]
    public async Task Should_check_the_size_of_a_resumed_blob_when_no_hash_is_given()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 206, Image.Layer[^10..^1], null,
            ("Content-Range", $"bytes {Image.Layer.Length - 10}-{Image.Layer.Length - 2}/{Image.Layer.Length}")));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", Image.LayerDescriptor, Image.Layer.Length - 10, null, Ct)));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_partial_answer_from_another_offset()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 206, Image.Layer[5..], null,
            ("Content-Range", $"bytes 5-{Image.Layer.Length - 1}/{Image.Layer.Length}")));
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(() => client.OpenBlobAsync("r", Image.LayerDescriptor, 10, null, Ct));

        Assert.Equal(RegistryErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Should_skip_to_the_offset_when_the_registry_ignores_Range()
    {
        using var fake = new FakeRegistry(c => FakeRegistry.RespondAsync(c, 200, Image.Layer));
        using var client = fake.Client();
        var offset = Image.Layer.Length - 10;

        var rest = await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", Image.LayerDescriptor, offset, null, Ct));

        Assert.Equal(Image.Layer[offset..], rest);
    }

    [Fact]
    public async Task Should_report_a_connection_broken_mid_blob_as_Unavailable_with_the_offset_to_resume_from()
    {
        using var fake = new FakeRegistry(async c =>
        {
            c.Response.ContentLength64 = Image.Layer.Length;
            await c.Response.OutputStream.WriteAsync(Image.Layer.AsMemory(0, 10));
            await c.Response.OutputStream.FlushAsync();
            c.Response.Abort();
        });
        using var client = fake.Client();

        var e = await Assert.ThrowsAsync<RegistryException>(async () =>
            await When_pulling_from_a_real_registry.ReadAllAsync(await client.OpenBlobAsync("r", Image.LayerDescriptor, Ct)));

        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("Resume from offset", e.Message);
    }
}
