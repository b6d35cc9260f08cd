using Platform.Client.Images;
using Platform.Testing;
using Xunit;
using static Platform.Images.Tests.ArchiveAssertions;

namespace Platform.Images.Tests;

public class When_reading_an_oci_layout
{
    [Fact]
    public async Task A_folder_gives_the_named_image_and_its_blobs_bottom_up()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(OciImages.Layers(1));
        builder.Name(image.Descriptor, OciImages.DefaultName);

        using var archive = await ImageArchive.OpenAsync(builder.WriteFolder(temp.Path), cancellationToken: Token);

        Assert.Equal(ImageArchiveFormat.OciLayout, archive.Format);
        var named = Assert.Single(archive.Images);
        Assert.Equal(OciImages.DefaultName, named.Name);
        Assert.Equal(image.ManifestDigest, named.Target.Digest);
        Assert.Equal(MediaTypes.OciManifest, named.Target.MediaType);
        Assert.Equal([.. image.LayerDigests, image.ConfigDigest, image.ManifestDigest], archive.Blobs.Select(b => b.Descriptor.Digest));
        var contents = await ReadAllAsync(archive);
        Assert.Equal(builder.Blobs[image.ConfigDigest], contents[image.ConfigDigest]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tar_or_a_gzipped_tar_gives_the_same_as_the_folder(bool gzip)
    {
        using var temp = new TempDir();
        var builder = OciImages.Busybox();
        using var folder = await ImageArchive.OpenAsync(builder.WriteFolder(temp.File("layout")), cancellationToken: Token);
        using var tar = await ImageArchive.OpenAsync(builder.WriteTar(temp.File("image.tar"), gzip), cancellationToken: Token);

        Assert.Equal(ImageArchiveFormat.OciArchive, tar.Format);
        Assert.Equal(folder.Images.Select(i => (i.Name, i.Target.Digest)), tar.Images.Select(i => (i.Name, i.Target.Digest)));
        Assert.Equal(folder.Blobs.Select(b => b.Descriptor), tar.Blobs.Select(b => b.Descriptor));
        var contents = await ReadAllAsync(tar);
        Assert.All(builder.Blobs, b => Assert.Equal(b.Value, contents[b.Key]));
    }

    [Fact]
    public async Task A_docker_25_archive_is_read_through_its_index_and_its_manifest_json_is_ignored()
    {
        using var temp = new TempDir();
        var builder = OciImages.Busybox();
        using var archive = await ImageArchive.OpenAsync(builder.WriteTar(temp.File("docker25.tar"), dockerManifest: true), cancellationToken: Token);

        Assert.Equal(ImageArchiveFormat.OciArchive, archive.Format);
        Assert.Equal(OciImages.DefaultName, Assert.Single(archive.Images).Name);
    }

    [Fact]
    public async Task The_name_falls_back_to_the_ref_name_and_may_be_absent()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(OciImages.Layers(1));
        var refOnly = (System.Text.Json.Nodes.JsonObject)image.Descriptor.DeepClone();
        refOnly.Remove("platform");
        refOnly["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.opencontainers.image.ref.name"] = "1.36" };
        builder.Entry(refOnly).Name(image.Descriptor, null);

        using var archive = await ImageArchive.OpenAsync(builder.WriteFolder(temp.Path), cancellationToken: Token);

        Assert.Equal(["1.36", null], archive.Images.Select(i => i.Name));
        Assert.All(archive.Images, i => Assert.Equal(image.ManifestDigest, i.Target.Digest));
        Assert.Equal(3, archive.Blobs.Count);
    }

    [Fact]
    public async Task Five_layers_with_a_whiteout_come_in_manifest_order()
    {
        using var temp = new TempDir();
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(OciImages.Layers(5));
        builder.Name(image.Descriptor, "bench:5");

        using var archive = await ImageArchive.OpenAsync(builder.WriteTar(temp.File("five.tar")), cancellationToken: Token);

        Assert.Equal(image.LayerDigests, archive.Blobs.Take(5).Select(b => b.Descriptor.Digest));
        Assert.All(archive.Blobs.Take(5), b => Assert.Equal(MediaTypes.OciLayerGzip, b.Descriptor.MediaType));
        await ReadAllAsync(archive);
    }

    [Fact]
    public async Task Blobs_can_be_read_concurrently_from_one_tar()
    {
        using var temp = new TempDir();
        using var archive = await ImageArchive.OpenAsync(OciImages.Busybox(layers: 5).WriteTar(temp.File("five.tar")), cancellationToken: Token);

        var digests = await Task.WhenAll(archive.Blobs.Select(async blob =>
        {
            await using var stream = await blob.Open(Token);
            return (await Digest.ComputeAsync(stream, Token)).Digest;
        }));

        Assert.Equal(archive.Blobs.Select(b => b.Descriptor.Digest), digests);
    }
}

public class When_reading_a_multi_platform_index
{
    [Fact]
    public async Task The_host_platform_is_taken_by_default_and_the_index_stays_the_target()
    {
        using var temp = new TempDir();
        var (builder, amd64, arm64, index) = OciImages.MultiPlatform();

        using var archive = await ImageArchive.OpenAsync(builder.WriteTar(temp.File("multi.tar")), cancellationToken: Token);

        var image = Assert.Single(archive.Images);
        Assert.Equal((string)index["digest"]!, image.Target.Digest);
        Assert.Equal(MediaTypes.OciIndex, image.Target.MediaType);
        Assert.Equal([.. amd64.LayerDigests, amd64.ConfigDigest, amd64.ManifestDigest, (string)index["digest"]!],
            archive.Blobs.Select(b => b.Descriptor.Digest));
        ChildrenComeFirst(archive, await ReadAllAsync(archive));
        Assert.DoesNotContain(archive.Blobs, b => b.Descriptor.Digest == arm64.ManifestDigest);
    }

    [Fact]
    public async Task A_given_platform_takes_only_its_manifest()
    {
        using var temp = new TempDir();
        var (builder, _, arm64, index) = OciImages.MultiPlatform();

        using var archive = await ImageArchive.OpenAsync(builder.WriteFolder(temp.Path),
            new ImageArchiveOptions { Platform = ImagePlatform.Parse("linux/arm64") }, Token);

        Assert.Equal([.. arm64.LayerDigests, arm64.ConfigDigest, arm64.ManifestDigest, (string)index["digest"]!],
            archive.Blobs.Select(b => b.Descriptor.Digest));
    }

    [Fact]
    public async Task All_platforms_take_every_manifest_and_their_blobs()
    {
        using var temp = new TempDir();
        var (builder, amd64, arm64, _) = OciImages.MultiPlatform();

        using var archive = await ImageArchive.OpenAsync(builder.WriteFolder(temp.Path), new ImageArchiveOptions { AllPlatforms = true }, Token);

        Assert.Equal(builder.Blobs.Keys.Order(), archive.Blobs.Select(b => b.Descriptor.Digest).Order());
        Assert.Contains(archive.Blobs, b => b.Descriptor.Digest == amd64.ManifestDigest);
        Assert.Contains(archive.Blobs, b => b.Descriptor.Digest == arm64.ManifestDigest);
        ChildrenComeFirst(archive, await ReadAllAsync(archive));
    }

    [Fact]
    public async Task A_platform_the_index_lacks_is_named_with_what_it_has()
    {
        using var temp = new TempDir();
        var (builder, _, _, _) = OciImages.MultiPlatform();

        var error = await Assert.ThrowsAsync<Common.Errors.PlatformException>(() => ImageArchive.OpenAsync(builder.WriteFolder(temp.Path),
            new ImageArchiveOptions { Platform = ImagePlatform.Parse("linux/s390x") }, Token));

        Assert.Equal(Contracts.ErrorKind.NotFound, error.Kind);
        Assert.Contains("linux/s390x", error.Message);
        Assert.Contains("linux/amd64, linux/arm64/v8", error.Message);
    }
}

public class When_reading_a_legacy_docker_save
{
    [Fact]
    public async Task A_schema_2_manifest_is_synthesised_and_is_the_target_of_every_tag()
    {
        using var temp = new TempDir();
        var layers = OciImages.Layers(3);
        var (path, configDigest) = DockerSaveArchive.Write(temp.File("save.tar"), layers, ["busybox:1.36", "busybox:latest"]);

        using var archive = await ImageArchive.OpenAsync(path, cancellationToken: Token);

        Assert.Equal(ImageArchiveFormat.DockerArchive, archive.Format);
        Assert.Equal(["busybox:1.36", "busybox:latest"], archive.Images.Select(i => i.Name));
        var target = archive.Images[0].Target;
        Assert.Equal(target, archive.Images[1].Target);
        Assert.Equal(MediaTypes.DockerManifest, target.MediaType);

        var contents = await ReadAllAsync(archive);
        ChildrenComeFirst(archive, contents);
        Assert.Equal(target.Digest, archive.Blobs[^1].Descriptor.Digest);
        var manifest = OciJson.ParseManifest(contents[target.Digest], "synthesised");
        Assert.Equal(MediaTypes.DockerManifest, manifest.MediaType);
        Assert.Equal(configDigest, manifest.Config!.Digest);
        Assert.Equal(MediaTypes.DockerConfig, manifest.Config.MediaType);
        Assert.Equal(layers.Select(OciImages.DigestOf), manifest.Layers.Select(l => l.Digest));
        Assert.All(manifest.Layers, l => Assert.Equal(MediaTypes.DockerLayer, l.MediaType));
        Assert.Equal(layers.Select(l => (long)l.Length), manifest.Layers.Select(l => l.Size));
    }

    [Fact]
    public async Task A_gzipped_layer_is_typed_as_gzip_and_untagged_images_have_no_name()
    {
        using var temp = new TempDir();
        var layers = OciImages.Layers(2);
        var (path, _) = DockerSaveArchive.Write(temp.File("save.tar"), [OciImages.Gzip(layers[0]), layers[1]], repoTags: null, uncompressed: layers);

        using var archive = await ImageArchive.OpenAsync(path, cancellationToken: Token);

        Assert.Null(Assert.Single(archive.Images).Name);
        Assert.Equal([MediaTypes.DockerLayerGzip, MediaTypes.DockerLayer], archive.Blobs.Take(2).Select(b => b.Descriptor.MediaType));
    }

    [Fact]
    public async Task A_layer_stored_as_a_symlink_to_another_is_followed()
    {
        using var temp = new TempDir();
        var base_ = OciImages.BusyboxLayer();
        var layers = new List<byte[]> { base_, OciImages.FileLayer("etc/x", "x"), base_ };
        var (path, _) = DockerSaveArchive.Write(temp.File("save.tar"), layers, ["dup:1"], linkDuplicate: true);

        using var archive = await ImageArchive.OpenAsync(path, cancellationToken: Token);

        var contents = await ReadAllAsync(archive);
        var manifest = OciJson.ParseManifest(contents[archive.Images[0].Target.Digest], "synthesised");
        Assert.Equal(manifest.Layers[0], manifest.Layers[2]);
        Assert.Equal(4, archive.Blobs.Count);
    }

    [Fact]
    public async Task A_gzip_compressed_docker_save_is_read_too()
    {
        using var temp = new TempDir();
        var (path, _) = DockerSaveArchive.Write(temp.File("save.tar"), OciImages.Layers(1), ["busybox:1.36"]);
        var gz = temp.File("save.tar.gz");
        await File.WriteAllBytesAsync(gz, OciImages.Gzip(await File.ReadAllBytesAsync(path, Token)), Token);

        using var archive = await ImageArchive.OpenAsync(gz, cancellationToken: Token);

        Assert.Equal(ImageArchiveFormat.DockerArchive, archive.Format);
        await ReadAllAsync(archive);
    }
}
