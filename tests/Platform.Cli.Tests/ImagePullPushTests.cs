using Platform.Testing;
using Platform.Testing.Registries;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>A real registry behind htpasswd on 127.0.0.1, seeded with one busybox image as <c>app/busybox:v1</c>.</summary>
public sealed class SeededRegistryFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public LocalRegistry Registry { get; private set; } = null!;

    public OciLayoutBuilder.Image Image { get; private set; } = null!;

    public string Reference => $"{Registry.Host}/app/busybox:v1";

    public async ValueTask InitializeAsync()
    {
        Registry = await LocalRegistry.StartAsync(htpasswd: true);
        if (Registry.MissingReason is not null)
            return;
        var builder = new OciLayoutBuilder();
        Image = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("etc/marker", Guid.NewGuid().ToString())]);
        builder.Name(Image.Descriptor, "app:v1");
        await Registry.SeedAsync(builder.WriteFolder(_dir.File("layout")), "v1", "app/busybox", "v1");
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary><c>images pull</c> and <c>images push</c>: one line or JSON on stdout, registry refusals as exit codes.</summary>
public sealed class When_a_user_pulls_and_pushes_images(PlatformFixture fixture, SeededRegistryFixture seeded)
    : IClassFixture<PlatformFixture>, IClassFixture<SeededRegistryFixture>
{
    private string Credentials => $"{LocalRegistry.User}:{LocalRegistry.Password}";

    [Fact]
    public async Task Pull_prints_the_name_and_digest_and_push_puts_the_same_manifest_in_the_registry()
    {
        seeded.Registry.Require();
        var ctl = PlatformCtl.For(fixture);

        var pulled = await ctl.RunAsync("images", "pull", seeded.Reference, "--plain-http", "--user", Credentials);

        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.Equal($"{seeded.Reference} {seeded.Image.ManifestDigest}\n", pulled.Stdout);

        var json = await ctl.RunAsync("images", "pull", seeded.Reference, "--plain-http", "--user", Credentials, "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var parsed = Output.Json(json.Stdout);
        Assert.Equal(seeded.Reference, parsed.GetProperty("name").GetString());
        Assert.Equal(seeded.Image.ManifestDigest, parsed.GetProperty("target").GetProperty("digest").GetString());
        Assert.StartsWith("sha256:", parsed.GetProperty("unpacked").GetProperty("chainId").GetString());

        var remote = $"{seeded.Registry.Host}/copies/busybox:v2";
        var pushed = await ctl.RunWithStdinAsync(LocalRegistry.Password + "\n", "images", "push", seeded.Reference, remote, "--plain-http", "--user", LocalRegistry.User);
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        Assert.Equal($"{remote} {seeded.Image.ManifestDigest}\n", pushed.Stdout);
        Assert.Equal(seeded.Image.ManifestDigest, (await seeded.Registry.SkopeoInspectAsync("copies/busybox", "v2")).GetProperty("Digest").GetString());
    }

    [Fact]
    public async Task Pull_without_credentials_exits_with_PermissionDenied_naming_the_registry()
    {
        seeded.Registry.Require();
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("images", "pull", seeded.Reference, "--plain-http");

        Assert.Equal(ExitCodes.PermissionDenied, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: PermissionDenied: ", result.Stderr);
        Assert.Contains(seeded.Registry.Host, result.Stderr);
    }

    [Fact]
    public async Task Pull_over_https_from_a_loopback_registry_exits_Unavailable_and_suggests_plain_http()
    {
        seeded.Registry.Require();
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("images", "pull", seeded.Reference, "--user", Credentials);

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        Assert.Contains("--plain-http", result.Stderr);
    }

    [Fact]
    public async Task A_bad_platform_or_name_is_refused_before_anything_is_sent()
    {
        var ctl = PlatformCtl.WithoutPlatform();

        var platform = await ctl.RunAsync("images", "pull", "busybox", "--platform", "linux/amd64/v1/extra");
        var name = await ctl.RunAsync("images", "pull", "Busybox:");

        Assert.Equal(ExitCodes.InvalidArgument, platform.ExitCode);
        Assert.Contains("linux/amd64/v1/extra", platform.Stderr);
        Assert.Equal(ExitCodes.InvalidArgument, name.ExitCode);
    }
}
