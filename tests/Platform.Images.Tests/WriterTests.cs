using System.Formats.Tar;
using System.Text.Json.Nodes;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Testing;
using Xunit;
using static Platform.Images.Tests.ArchiveAssertions;

namespace Platform.Images.Tests;

public class When_writing_an_oci_archive
{
    private static Func<string, CancellationToken, Task<Stream>> Store(IReadOnlyDictionary<string, byte[]> blobs) =>
        (digest, _) => blobs.TryGetValue(digest, out var content)
            ? Task.FromResult<Stream>(new MemoryStream(content))
            : throw PlatformException.NotFound($"content {digest} not found");

    private static Descriptor Target(JsonObject descriptor) => new()
    {
        MediaType = (string)descriptor["mediaType"]!,
        Digest = (string)descriptor["digest"]!,
        Size = descriptor["size"]!.GetValue<int>(),
    };

    private static Dictionary<string, byte[]> Entries(string tarPath)
    {
        var entries = new Dictionary<string, byte[]>();
        using var reader = new TarReader(File.OpenRead(tarPath));
        while (reader.GetNextEntry() is { } entry)
        {
            using var copy = new MemoryStream();
            entry.DataStream?.CopyTo(copy);
            entries[entry.Name] = copy.ToArray();
        }
        return entries;
    }

    [Fact]
    public async Task What_is_written_reads_back_with_the_same_targets_and_blobs()
    {
        using var temp = new TempDir();
        using var source = await ImageArchive.OpenAsync(OciImages.Busybox(layers: 3).WriteFolder(temp.File("in")), cancellationToken: Token);
        var store = await ReadAllAsync(source);
        var path = temp.File("out.tar");

        await using (var output = File.Create(path))
            await new ImageArchiveWriter(Store(store)).WriteAsync(output, [.. source.Images.Select(i => new ImageToExport(i.Name!, i.Target))], Token);
        using var back = await ImageArchive.OpenAsync(path, cancellationToken: Token);

        Assert.Equal(source.Images.Select(i => (i.Name, i.Target.Digest)), back.Images.Select(i => (i.Name, i.Target.Digest)));
        Assert.Equal(source.Blobs.Select(b => b.Descriptor), back.Blobs.Select(b => b.Descriptor));
        var contents = await ReadAllAsync(back);
        Assert.All(store, b => Assert.Equal(b.Value, contents[b.Key]));
    }

    [Fact]
    public async Task Index_json_carries_both_names_and_manifest_json_is_what_docker_load_reads()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(OciImages.Layers(2));
        var path = temp.File("out.tar");

        await using (var output = File.Create(path))
            await new ImageArchiveWriter(Store(builder.Blobs)).WriteAsync(output,
                [new ImageToExport(OciImages.DefaultName, Target(image.Descriptor)), new ImageToExport("docker.io/acc/bb:1", Target(image.Descriptor))], Token);

        var entries = Entries(path);
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", System.Text.Encoding.UTF8.GetString(entries["oci-layout"]));
        var index = JsonNode.Parse(entries["index.json"])!;
        var annotations = index["manifests"]![0]!["annotations"]!;
        Assert.Equal(OciImages.DefaultName, (string)annotations["io.containerd.image.name"]!);
        Assert.Equal("1.36", (string)annotations["org.opencontainers.image.ref.name"]!);

        var docker = Assert.Single(JsonNode.Parse(entries["manifest.json"])!.AsArray())!;
        Assert.Equal($"blobs/sha256/{image.ConfigDigest[7..]}", (string)docker["Config"]!);
        Assert.Equal(["busybox:1.36", "acc/bb:1"], docker["RepoTags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(image.LayerDigests.Select(d => $"blobs/sha256/{d[7..]}"), docker["Layers"]!.AsArray().Select(l => (string)l!));
        Assert.All(docker["Layers"]!.AsArray(), l => Assert.True(entries.ContainsKey((string)l!)));
        Assert.All(builder.Blobs, b => Assert.Equal(b.Value, entries[$"blobs/sha256/{b.Key[7..]}"]));
    }

    [Fact]
    public async Task An_index_is_written_whole_but_only_the_children_the_store_has()
    {
        using var temp = new TempDir();
        var (builder, amd64, arm64, index) = OciImages.MultiPlatform();
        var store = builder.Blobs.Where(b => b.Key != arm64.ManifestDigest && b.Key != arm64.ConfigDigest && !arm64.LayerDigests.Contains(b.Key))
            .ToDictionary();
        var path = temp.File("out.tar");

        await using (var output = File.Create(path))
            await new ImageArchiveWriter(Store(store)).WriteAsync(output, [new ImageToExport(OciImages.DefaultName, Target(index))], Token);

        var entries = Entries(path);
        Assert.Equal(store.Keys.Select(d => $"blobs/sha256/{d[7..]}").Order(), entries.Keys.Where(k => k.StartsWith("blobs/sha256/") && k.Length > 13).Order());
        var docker = Assert.Single(JsonNode.Parse(entries["manifest.json"])!.AsArray())!;
        Assert.Equal($"blobs/sha256/{amd64.ConfigDigest[7..]}", (string)docker["Config"]!);

        using var back = await ImageArchive.OpenAsync(path, cancellationToken: Token);
        Assert.Equal((string)index["digest"]!, Assert.Single(back.Images).Target.Digest);
    }

    [Fact]
    public async Task Gnu_tar_reads_the_archive_and_its_large_blob_sizes()
    {
        if (!File.Exists("/usr/bin/tar") && !File.Exists("/bin/tar"))
            Assert.Skip("no tar on this machine");
        using var temp = new TempDir();
        var builder = OciImages.Busybox(layers: 2);
        var image = builder.AddImage(OciImages.Layers(1));
        var path = temp.File("out.tar");
        await using (var output = File.Create(path))
            await new ImageArchiveWriter(Store(builder.Blobs)).WriteAsync(output, [new ImageToExport("x:1", Target(image.Descriptor))], Token);

        var tar = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["-tvf", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var listing = await tar.StandardOutput.ReadToEndAsync(Token);
        var errors = await tar.StandardError.ReadToEndAsync(Token);
        await tar.WaitForExitAsync(Token);

        Assert.True(tar.ExitCode == 0, errors);
        Assert.Empty(errors);
        var layer = image.LayerDigests[0];
        Assert.Contains($" {builder.Blobs[layer].Length} 1970-01-01 00:00 blobs/sha256/{layer[7..]}", listing);
        Assert.Contains("index.json", listing);
        Assert.Contains("manifest.json", listing);
    }

    [Fact]
    public async Task A_blob_whose_content_does_not_match_fails_the_write()
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.FileLayer("a", "a")]);
        var store = builder.Blobs.ToDictionary();
        var layer = image.LayerDigests[0];
        store[layer] = [.. store[layer]];
        store[layer][^1] ^= 1;

        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            new ImageArchiveWriter(Store(store)).WriteAsync(Stream.Null, [new ImageToExport("a:1", Target(image.Descriptor))], Token));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains(layer, error.Message);
    }

    [Fact]
    public async Task A_missing_target_is_not_found()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => new ImageArchiveWriter(Store(new Dictionary<string, byte[]>()))
            .WriteAsync(Stream.Null, [new ImageToExport("a:1", new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("x"), Size = 1 })], Token));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Theory]
    [InlineData("docker.io/library/busybox:1.36", "1.36", "busybox:1.36")]
    [InlineData("docker.io/acc/bb:1", "1", "acc/bb:1")]
    [InlineData("127.0.0.1:5000/x:1", "1", "127.0.0.1:5000/x:1")]
    [InlineData("127.0.0.1:5000/x", "127.0.0.1:5000/x", null)]
    [InlineData("docker.io/library/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "docker.io/library/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000", null)]
    public void Names_are_spelled_for_each_file(string name, string refName, string? dockerTag)
    {
        Assert.Equal(refName, ImageNames.ReferenceName(name));
        Assert.Equal(dockerTag, ImageNames.DockerTag(name));
    }
}
