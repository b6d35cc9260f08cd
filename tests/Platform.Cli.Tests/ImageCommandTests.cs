using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>images load|ls|inspect|save|tag|rm|prune</c> on real archives built from busybox-static, against the real
/// services: content store, unpacker and collector. Unpacking keeps owners and modes, so these need root and busybox.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_manages_images(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDir _dir = new();

    private static async Task<CliResult> OkAsync(PlatformCtl ctl, params string[] args)
    {
        var result = await ctl.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"platformctl {string.Join(' ', args)}: {result}");
        return result;
    }

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    private static async Task<JsonElement> JsonAsync(PlatformCtl ctl, params string[] args) =>
        Output.Json((await OkAsync(ctl, [.. args, "-o", "json"])).Stdout);

    private static async Task<List<string>> ContentDigestsAsync(PlatformCtl ctl) =>
        (await JsonAsync(ctl, "content", "ls")).EnumerateArray().Select(c => c.GetProperty("digest").GetString()!).Order().ToList();

    private static async Task<List<string>> SnapshotKeysAsync(PlatformCtl ctl) =>
        (await JsonAsync(ctl, "snapshots", "ls")).EnumerateArray().Select(c => c.GetProperty("key").GetString()!).Order().ToList();

    [Fact]
    public async Task An_oci_archive_loads_unpacked_and_lists_with_its_host_size_and_inspects_with_its_config_and_chain()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox(layers: 2);
        var archive = layout.WriteTar(_dir.File("busybox.tar"));

        var loaded = await OkAsync(ctl, "images", "load", "--input", archive);

        Assert.Equal("Loaded image: busybox:1.36\n", loaded.Stdout);
        var rows = Output.Table((await OkAsync(ctl, "images", "ls")).Stdout, "NAME", "DIGEST", "SIZE", "CREATED");
        var row = Assert.Single(rows);
        Assert.Equal(("busybox:1.36", image.ManifestDigest), (row[0], row[1]));
        var expectedSize = layout.Blobs[image.ManifestDigest].Length + layout.Blobs[image.ConfigDigest].Length
            + image.LayerDigests.Sum(d => layout.Blobs[d].Length);
        var listed = Assert.Single((await JsonAsync(ctl, "images", "ls")).EnumerateArray().ToList());
        Assert.Equal(["name", "namespace", "target", "labels", "createdAt", "updatedAt", "version", "size"], Output.PropertyNames(listed));
        Assert.Equal(expectedSize, listed.GetProperty("size").GetInt64());
        Assert.Equal(["busybox:1.36"], (await OkAsync(ctl, "images", "ls", "-q")).Lines);

        var inspected = await JsonAsync(ctl, "images", "inspect", "busybox:1.36");
        Assert.Equal(OciImages.DefaultName, inspected.GetProperty("name").GetString());
        Assert.Equal(image.ManifestDigest, inspected.GetProperty("manifest").GetProperty("digest").GetString());
        Assert.Equal(image.ConfigDigest, inspected.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(image.LayerDigests, inspected.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!));
        Assert.Equal("linux/amd64", inspected.GetProperty("platform").GetString());
        Assert.Equal(["sh"], inspected.GetProperty("process").GetProperty("cmd").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("/", inspected.GetProperty("process").GetProperty("workingDir").GetString());
        var chain = Assert.Single(inspected.GetProperty("unpacked").EnumerateObject().ToList());
        Assert.Equal(ChainId(image.DiffIds), chain.Value.GetString());
        Assert.Contains(chain.Value.GetString(), await SnapshotKeysAsync(ctl));

        var block = Output.Block((await OkAsync(ctl, "images", "inspect", "busybox:1.36")).Stdout);
        Assert.Equal(("linux/amd64", "[\"sh\"]", "/"), (block["Platform"], block["Cmd"], block["WorkingDir"]));
        Assert.StartsWith(image.ManifestDigest, block["Manifest"]);
    }

    /// <summary>A layout holding one busybox image named <see cref="OciImages.DefaultName"/>, and that image.</summary>
    private static (OciLayoutBuilder Layout, OciLayoutBuilder.Image Image) Busybox(int layers = 1, string? name = OciImages.DefaultName)
    {
        var layout = new OciLayoutBuilder();
        var image = layout.AddImage(OciImages.Layers(layers));
        layout.Name(image.Descriptor, name);
        return (layout, image);
    }

    /// <summary>chainID(L1) = diffID(L1); chainID(L1..n) = sha256("chainID(L1..n-1) diffID(Ln)").</summary>
    private static string ChainId(IReadOnlyList<string> diffIds) =>
        diffIds.Skip(1).Aggregate(diffIds[0], (chain, diff) => OciImages.DigestOf(System.Text.Encoding.UTF8.GetBytes(chain + " " + diff)));

    public void Dispose() => _dir.Dispose();
}
