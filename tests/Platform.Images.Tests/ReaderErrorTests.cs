using System.Text.Json.Nodes;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Testing;
using Xunit;
using static Platform.Images.Tests.ArchiveAssertions;

namespace Platform.Images.Tests;

public class When_an_archive_is_broken
{
    private static async Task<PlatformException> OpenFails(string path, ImageArchiveOptions? options = null) =>
        await Assert.ThrowsAsync<PlatformException>(() => ImageArchive.OpenAsync(path, options, Token));

    [Fact]
    public async Task A_missing_path_is_not_found_and_named()
    {
        var error = await OpenFails("/nonexistent/image.tar");
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("/nonexistent/image.tar", error.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_tar_is_refused()
    {
        using var temp = new TempDir();
        var path = temp.File("notes.txt");
        await File.WriteAllTextAsync(path, new string('x', 2000), Token);

        var error = await OpenFails(path);

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("not a tar", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task A_tar_without_index_json_or_manifest_json_says_what_it_holds()
    {
        using var temp = new TempDir();
        var path = temp.File("other.tar");
        await File.WriteAllBytesAsync(path, OciImages.FileLayer("hello.txt", "hi"), Token);

        var error = await OpenFails(path);

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("neither index.json", error.Message);
        Assert.Contains("hello.txt", error.Message);
    }

    [Fact]
    public async Task A_folder_without_index_json_is_refused()
    {
        using var temp = new TempDir();
        var error = await OpenFails(temp.Path);
        Assert.Contains("neither index.json", error.Message);
    }

    [Fact]
    public async Task A_missing_blob_is_named_with_what_references_it()
    {
        using var temp = new TempDir();
        var builder = OciImages.Busybox();
        var image = builder.AddImage(OciImages.Layers(1));
        builder.Name(image.Descriptor, "other:1");
        builder.WriteFolder(temp.Path);
        File.Delete(Path.Combine(temp.Path, "blobs", "sha256", image.LayerDigests[0]["sha256:".Length..]));

        var error = await OpenFails(temp.Path);

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(image.LayerDigests[0], error.Message);
        Assert.Contains(image.ManifestDigest, error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public async Task Corrupt_index_json_is_named()
    {
        using var temp = new TempDir();
        OciImages.Busybox().WriteFolder(temp.Path);
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "index.json"), "{\"schemaVersion\": 2, \"manifests\": [", Token);

        var error = await OpenFails(temp.Path);

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("index.json", error.Message);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public async Task Corrupt_manifest_json_of_a_docker_save_is_named()
    {
        using var temp = new TempDir();
        var path = temp.File("save.tar");
        await File.WriteAllBytesAsync(path, OciImages.Tar(w => OciImages.WriteFile(w, "manifest.json", "[{\"Config\": 7}]")), Token);

        var error = await OpenFails(path);

        Assert.Contains("manifest.json", error.Message);
    }

    [Fact]
    public async Task A_layer_whose_content_does_not_match_its_digest_fails_when_read_to_the_end()
    {
        using var temp = new TempDir();
        var builder = OciImages.Busybox();
        builder.WriteFolder(temp.Path);
        var config = builder.Blobs.Single(b => b.Value.Length < 2000 && System.Text.Encoding.UTF8.GetString(b.Value).Contains("diff_ids")).Key;
        var path = Path.Combine(temp.Path, "blobs", "sha256", config["sha256:".Length..]);
        var bytes = await File.ReadAllBytesAsync(path, Token);
        bytes[^2] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes, Token);

        using var archive = await ImageArchive.OpenAsync(temp.Path, cancellationToken: Token);
        var blob = archive.Blobs.Single(b => b.Descriptor.Digest == config);
        await using var stream = await blob.Open(Token);
        var error = await Assert.ThrowsAsync<PlatformException>(() => stream.CopyToAsync(Stream.Null, Token));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains(config, error.Message);
    }

    [Fact]
    public async Task A_blob_of_the_wrong_size_is_refused_on_open()
    {
        using var temp = new TempDir();
        var builder = OciImages.Busybox();
        builder.WriteFolder(temp.Path);
        var layer = builder.Blobs.MaxBy(b => b.Value.Length).Key;
        await File.AppendAllTextAsync(Path.Combine(temp.Path, "blobs", "sha256", layer["sha256:".Length..]), "extra", Token);

        var error = await OpenFails(temp.Path);

        Assert.Contains(layer["sha256:".Length..], error.Message);
        Assert.Contains("bytes", error.Message);
    }

    [Fact]
    public async Task An_unknown_media_type_in_the_index_is_refused()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var blob = builder.AddBlob("application/x-thing", "thing"u8.ToArray());
        builder.Entry(blob).WriteFolder(temp.Path);

        var error = await OpenFails(temp.Path);

        Assert.Contains("application/x-thing", error.Message);
        Assert.Contains("neither an image manifest nor an index", error.Message);
    }

    [Fact]
    public async Task A_schema_1_manifest_is_unsupported()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var blob = builder.AddBlob(OciLayoutBuilder.ManifestType, """{"schemaVersion":1,"name":"x","tag":"1","fsLayers":[]}"""u8.ToArray());
        builder.Entry(blob).WriteFolder(temp.Path);

        var error = await OpenFails(temp.Path);

        Assert.Contains("schema 1", error.Message);
    }

    [Fact]
    public async Task An_unsupported_layout_version_is_refused()
    {
        using var temp = new TempDir();
        OciImages.Busybox().WriteFolder(temp.Path);
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "oci-layout"), """{"imageLayoutVersion":"2.0.0"}""", Token);

        var error = await OpenFails(temp.Path);

        Assert.Contains("imageLayoutVersion", error.Message);
    }

    [Fact]
    public async Task A_docker_save_layer_count_that_disagrees_with_the_config_is_refused()
    {
        using var temp = new TempDir();
        var layers = OciImages.Layers(2);
        var (path, _) = DockerSaveArchive.Write(temp.File("save.tar"), layers, ["x:1"], uncompressed: [layers[0]]);

        var error = await OpenFails(path);

        Assert.Contains("diff_ids", error.Message);
    }

    [Fact]
    public async Task A_missing_docker_save_layer_is_named()
    {
        using var temp = new TempDir();
        var path = temp.File("save.tar");
        var config = System.Text.Encoding.UTF8.GetBytes(OciImages.Config([OciImages.FileLayer("a", "a")]).ToJsonString());
        var manifest = new JsonArray(new JsonObject { ["Config"] = "c.json", ["Layers"] = new JsonArray("abc/layer.tar") });
        await File.WriteAllBytesAsync(path, OciImages.Tar(w =>
        {
            OciImages.WriteFile(w, "c.json", config);
            OciImages.WriteFile(w, "manifest.json", manifest.ToJsonString());
        }), Token);

        var error = await OpenFails(path);

        Assert.Contains("abc/layer.tar", error.Message);
        Assert.Contains("missing", error.Message);
    }
}
