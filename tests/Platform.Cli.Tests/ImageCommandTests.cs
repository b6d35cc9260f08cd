using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

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

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    private static async Task<JsonElement> JsonAsync(PlatformCtl ctl, params string[] args) =>
        Output.Json((await OkAsync(ctl, [.. args, "-o", "json"])).Stdout);

    private static async Task<List<string>> ContentDigestsAsync(PlatformCtl ctl) =>
        (await JsonAsync(ctl, "content", "ls")).EnumerateArray().Select(c => c.GetProperty("digest").GetString()!).Order().ToList();

    private static async Task<List<string>> ContentRecordsAsync(PlatformCtl ctl) =>
        (await JsonAsync(ctl, "content", "ls")).EnumerateArray()
            .Select(c => $"{c.GetProperty("digest")} {c.GetProperty("size")} {c.GetProperty("createdAt")} {c.GetProperty("labels").GetRawText()}")
            .ToList();

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


    [Fact]
    public async Task An_oci_layout_folder_and_a_docker_save_tar_load_too()
    {
        var fromFolder = Ctl();
        var (layout, image) = Busybox();
        var folder = layout.WriteFolder(Directory.CreateDirectory(_dir.File("layout")).FullName);

        Assert.Equal("Loaded image: busybox:1.36\n", (await OkAsync(fromFolder, "images", "load", "-i", folder)).Stdout);
        Assert.Equal(image.ManifestDigest, (await JsonAsync(fromFolder, "images", "inspect", "busybox:1.36")).GetProperty("manifest").GetProperty("digest").GetString());

        var fromDocker = Ctl();
        var layer = OciImages.BusyboxLayer();
        var (tar, configDigest) = DockerSaveArchive.Write(_dir.File("docker.tar"), [layer], ["acc/bb:1"]);

        Assert.Equal("Loaded image: acc/bb:1\n", (await OkAsync(fromDocker, "images", "load", "--input", tar)).Stdout);
        var inspected = await JsonAsync(fromDocker, "images", "inspect", "docker.io/acc/bb:1");
        Assert.Equal(configDigest, inspected.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(OciImages.DigestOf(layer), inspected.GetProperty("unpacked").EnumerateObject().Single().Value.GetString());
        Assert.Equal("acc/bb:1", Output.Table((await OkAsync(fromDocker, "images", "ls")).Stdout, "NAME", "DIGEST", "SIZE", "CREATED").Single()[0]);
    }

    [Fact]
    public async Task Loading_an_archive_twice_stores_nothing_new()
    {
        var ctl = Ctl();
        var archive = Busybox(layers: 2).Layout.WriteTar(_dir.File("twice.tar"));
        await OkAsync(ctl, "images", "load", "--input", archive);
        var content = await ContentRecordsAsync(ctl);
        var snapshots = (await OkAsync(ctl, "snapshots", "ls", "-o", "json")).Stdout;

        var again = await OkAsync(ctl, "images", "load", "--input", archive);

        Assert.Equal("Loaded image: busybox:1.36\n", again.Stdout);
        // The same records, created once: digest, size, labels and creation time unchanged (updatedAt may move: the
        // unpack sets the config's snapshot label again, to the same value).
        Assert.Equal(content, await ContentRecordsAsync(ctl));
        Assert.Equal(snapshots, (await OkAsync(ctl, "snapshots", "ls", "-o", "json")).Stdout);
        Assert.Equal(4, (await ContentDigestsAsync(ctl)).Count);
    }

    [Fact]
    public async Task Two_images_on_one_base_share_the_base_snapshot()
    {
        var ctl = Ctl();
        var layout = new OciLayoutBuilder();
        var baseLayer = OciImages.BusyboxLayer();
        var web = layout.AddImage([baseLayer, OciImages.FileLayer("etc/web", "web\n")]);
        var db = layout.AddImage([baseLayer, OciImages.FileLayer("etc/db", "db\n")]);
        layout.Name(web.Descriptor, "docker.io/library/web:1").Name(db.Descriptor, "docker.io/library/db:1");

        var loaded = await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("two.tar")));

        Assert.Equal(["Loaded image: web:1", "Loaded image: db:1"], loaded.Lines);
        var baseChain = OciImages.DigestOf(baseLayer);
        var snapshots = await JsonAsync(ctl, "snapshots", "ls");
        Assert.Equal(new[] { baseChain, ChainId(web.DiffIds), ChainId(db.DiffIds) }.Order(), await SnapshotKeysAsync(ctl));
        Assert.Equal(new[] { baseChain, baseChain }, snapshots.EnumerateArray()
            .Where(s => s.GetProperty("key").GetString() != baseChain).Select(s => s.GetProperty("parent").GetString()));
        var webChain = (await JsonAsync(ctl, "images", "inspect", "web:1")).GetProperty("unpacked").EnumerateObject().Single().Value.GetString();
        Assert.Equal(ChainId(web.DiffIds), webChain);
    }

    [Fact]
    public async Task Removing_the_last_image_frees_its_content_and_snapshots()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox(layers: 2);
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("last.tar")));
        Assert.NotEmpty(await SnapshotKeysAsync(ctl));

        var removed = await OkAsync(ctl, "images", "rm", "busybox:1.36");

        Assert.Equal("busybox:1.36\n", removed.Stdout);
        await Eventually.TrueAsync(async () => (await ContentDigestsAsync(ctl)).Count == 0 && (await SnapshotKeysAsync(ctl)).Count == 0, Ct,
            because: "what only the image kept should be collected at once");
        Assert.Empty(Output.Table((await OkAsync(ctl, "images", "ls")).Stdout, "NAME", "DIGEST", "SIZE", "CREATED"));
        Assert.Equal(4, (await ctl.RunAsync("content", "get", image.LayerDigests[0], "--file", _dir.File("layer"))).ExitCode);
        Assert.False(File.Exists(_dir.File("layer")));
        Assert.Equal(4, (await ctl.RunAsync("gc", "explain", "content/" + image.ConfigDigest)).ExitCode);
        Assert.False(File.Exists(Path.Combine(fixture.DataRoot, "content", "blobs", "sha256", image.LayerDigests[0]["sha256:".Length..])));
    }

    [Fact]
    public async Task Save_then_rm_then_load_gives_the_same_image_and_the_archive_has_docker_manifest_json()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox(layers: 3);
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("in.tar")));
        var saved = _dir.File("out.tar");

        var save = await OkAsync(ctl, "images", "save", "busybox:1.36", "--file", saved);

        Assert.Equal("", save.Stdout);
        Assert.False(File.Exists(saved + ".tmp"));
        var entries = TarEntries(saved);
        Assert.Contains("manifest.json", entries.Keys);
        Assert.Contains("index.json", entries.Keys);
        var dockerManifest = Assert.Single(Output.Json(entries["manifest.json"]).EnumerateArray().ToList());
        Assert.Equal(["busybox:1.36"], dockerManifest.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, dockerManifest.GetProperty("Layers").GetArrayLength());

        await OkAsync(ctl, "images", "rm", "busybox:1.36");
        await Eventually.TrueAsync(async () => (await ContentDigestsAsync(ctl)).Count == 0, Ct, because: "the removed image's content goes");
        Assert.Equal("Loaded image: busybox:1.36\n", (await OkAsync(ctl, "images", "load", "--input", saved)).Stdout);

        var again = await JsonAsync(ctl, "images", "inspect", "busybox:1.36");
        Assert.Equal(image.ManifestDigest, again.GetProperty("target").GetProperty("digest").GetString());
        Assert.Equal(ChainId(image.DiffIds), again.GetProperty("unpacked").EnumerateObject().Single().Value.GetString());
    }

    [Fact]
    public async Task Saving_a_missing_image_exits_4_and_leaves_no_file()
    {
        var ctl = PlatformCtl.For(fixture);
        var saved = _dir.File("missing.tar");

        var result = await ctl.RunAsync("images", "save", "nothere:1", "--file", saved);

        Assert.Equal((4, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("error: NotFound: ", result.Stderr);
        Assert.False(File.Exists(saved));
        Assert.False(File.Exists(saved + ".tmp"));
    }

    [Fact]
    public async Task Loading_a_path_that_does_not_exist_exits_3_naming_it_before_reaching_the_broker()
    {
        var missing = _dir.File("no-such.tar");

        var result = await PlatformCtl.WithoutPlatform().RunAsync("images", "load", "--input", missing, "--bus", "amqp://guest:guest@127.0.0.1:1/");

        Assert.Equal((3, ""), (result.ExitCode, result.Stdout));
        Assert.Equal($"error: InvalidArgument: --input \"{missing}\" does not exist\n", result.Stderr);
        var text = await PlatformCtl.WithoutPlatform().RunAsync("images", "load", "-i", Write("text.tar", "not an archive at all"u8.ToArray()),
            "--bus", "amqp://guest:guest@127.0.0.1:1/");
        Assert.Equal(3, text.ExitCode);
        Assert.Contains("neither a folder nor a tar", text.Stderr);
    }

    private string Write(string name, byte[] content)
    {
        File.WriteAllBytes(_dir.File(name), content);
        return _dir.File(name);
    }

    [Fact]
    public async Task A_truncated_archive_exits_3_and_leaves_nothing_after_a_pass()
    {
        var ctl = Ctl();
        var whole = File.ReadAllBytes(Busybox().Layout.WriteTar(_dir.File("whole.tar")));
        var truncated = Write("truncated.tar", whole[..(whole.Length * 6 / 10)]);

        var result = await ctl.RunAsync("images", "load", "--input", truncated);

        Assert.Equal((3, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
        Assert.Empty(Output.Table((await OkAsync(ctl, "images", "ls")).Stdout, "NAME", "DIGEST", "SIZE", "CREATED"));
        await OkAsync(ctl, "gc");
        Assert.Empty(await ContentDigestsAsync(ctl));
        Assert.Empty(await SnapshotKeysAsync(ctl));
    }

    [Fact]
    public async Task A_layer_whose_diff_id_does_not_match_exits_3_and_leaves_no_image_and_no_snapshot()
    {
        var ctl = Ctl();
        var layout = new OciLayoutBuilder();
        var layer = layout.AddBlob("application/vnd.oci.image.layer.v1.tar+gzip", OciImages.Gzip(OciImages.BusyboxLayer()));
        var config = layout.AddBlob("application/vnd.oci.image.config.v1+json",
            System.Text.Encoding.UTF8.GetBytes(OciImages.Config([OciImages.FileLayer("etc/other", "not this layer\n")]).ToJsonString()));
        var manifest = layout.AddBlob(OciLayoutBuilder.ManifestType, System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = OciLayoutBuilder.ManifestType, ["config"] = config, ["layers"] = new System.Text.Json.Nodes.JsonArray(layer),
        }.ToJsonString()));
        layout.Name(manifest, "docker.io/library/bad:1");

        var result = await ctl.RunAsync("images", "load", "--input", layout.WriteTar(_dir.File("bad.tar")));

        Assert.Equal((3, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("images", "inspect", "bad:1")).ExitCode);
        Assert.Empty(await SnapshotKeysAsync(ctl));
        await OkAsync(ctl, "gc");
        Assert.Empty(await ContentDigestsAsync(ctl));
    }

    [Fact]
    public async Task An_index_without_the_host_platform_exits_4_naming_it()
    {
        var ctl = Ctl();
        var layout = new OciLayoutBuilder();
        var arm = layout.AddImage([OciImages.FileLayer("etc/arch", "arm64\n")], architecture: "arm64", variant: "v8");
        layout.Name(layout.AddIndex([arm]), "docker.io/library/armonly:1");

        var result = await ctl.RunAsync("images", "load", "--input", layout.WriteTar(_dir.File("arm.tar")));

        Assert.Equal((4, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("linux/amd64", result.Stderr);
        Assert.Contains("linux/arm64/v8", result.Stderr);
        Assert.Empty(Output.Table((await OkAsync(ctl, "images", "ls")).Stdout, "NAME", "DIGEST", "SIZE", "CREATED"));
    }

    [Fact]
    public async Task Tag_names_the_same_target_moves_an_existing_name_and_rm_removes_only_the_name()
    {
        var ctl = Ctl();
        var layout = new OciLayoutBuilder();
        var one = layout.AddImage([OciImages.BusyboxLayer()]);
        var two = layout.AddImage([OciImages.FileLayer("etc/two", "two\n")]);
        layout.Name(one.Descriptor, "docker.io/library/one:1").Name(two.Descriptor, "docker.io/library/two:1");
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("tag.tar")), "--no-unpack");

        Assert.Equal("docker.io/acc/mine:v1\n", (await OkAsync(ctl, "images", "tag", "one:1", "acc/mine:v1")).Stdout);
        Assert.Equal(one.ManifestDigest, (await JsonAsync(ctl, "images", "inspect", "acc/mine:v1")).GetProperty("target").GetProperty("digest").GetString());
        await OkAsync(ctl, "images", "tag", "two:1", "acc/mine:v1");
        Assert.Equal(two.ManifestDigest, (await JsonAsync(ctl, "images", "inspect", "acc/mine:v1")).GetProperty("target").GetProperty("digest").GetString());
        Assert.Equal(4, (await ctl.RunAsync("images", "tag", "nothere:1", "x:1")).ExitCode);

        var removed = await ctl.RunAsync("images", "rm", "one:1", "nothere:1", "two:1");

        Assert.Equal((4, "one:1\ntwo:1\n"), (removed.ExitCode, removed.Stdout));
        Assert.Equal(["acc/mine:v1"], (await OkAsync(ctl, "images", "ls", "-q")).Lines);
        // two's content stays: acc/mine:v1 names it; one's goes.
        await Eventually.TrueAsync(async () => !(await ContentDigestsAsync(ctl)).Contains(one.ManifestDigest), Ct, because: "one:1's content is unreferenced");
        Assert.Contains(two.ManifestDigest, await ContentDigestsAsync(ctl));
    }

    [Fact]
    public async Task Prune_removes_nothing_without_all_and_with_all_keeps_the_images_containers_name()
    {
        var ctl = Ctl();
        var layout = new OciLayoutBuilder();
        var used = layout.AddImage([OciImages.FileLayer("etc/used", "used\n")]);
        var unused = layout.AddImage([OciImages.FileLayer("etc/unused", "unused\n")]);
        layout.Name(used.Descriptor, "docker.io/library/used:1").Name(unused.Descriptor, "docker.io/library/unused:1");
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("prune.tar")));
        await OkAsync(ctl, "containers", "create", "web", "--runtime", "runc", "--spec", Write("spec.json", """{"ociVersion":"1.1.0"}"""u8.ToArray()),
            "--image", "used:1");

        var plain = await OkAsync(ctl, "images", "prune");
        Assert.Equal("", plain.Stdout);
        Assert.Contains("--all", plain.Stderr);
        Assert.Equal(2, (await OkAsync(ctl, "images", "ls", "-q")).Lines.Length);

        var refused = await ctl.RunAsync("images", "rm", "used:1");
        Assert.Equal(6, refused.ExitCode);
        Assert.Contains("web", refused.Stderr);

        var pruned = await OkAsync(ctl, "images", "prune", "--all");

        Assert.Equal("docker.io/library/unused:1\n", pruned.Stdout);
        Assert.Equal(["used:1"], (await OkAsync(ctl, "images", "ls", "-q")).Lines);
        Assert.Equal("used:1\n", (await OkAsync(ctl, "images", "rm", "--force", "used:1")).Stdout);
    }

    [Fact]
    public async Task Df_counts_the_image_bytes_and_what_could_be_reclaimed()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox(layers: 2);
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("df.tar")));
        var bytes = layout.Blobs.Values.Sum(b => (long)b.Length);

        var rows = (await JsonAsync(ctl, "df")).EnumerateArray().ToDictionary(r => r.GetProperty("type").GetString()!);

        Assert.Equal(["Images", "Containers", "Snapshots", "Content"], rows.Keys);
        Assert.Equal((1, 0, bytes, bytes), (rows["Images"].GetProperty("total").GetInt32(), rows["Images"].GetProperty("active").GetInt32(),
            rows["Images"].GetProperty("size").GetInt64(), rows["Images"].GetProperty("reclaimable").GetInt64()));
        Assert.Equal((4, 4, bytes, 0L), (rows["Content"].GetProperty("total").GetInt32(), rows["Content"].GetProperty("active").GetInt32(),
            rows["Content"].GetProperty("size").GetInt64(), rows["Content"].GetProperty("reclaimable").GetInt64()));
        Assert.Equal(2, rows["Snapshots"].GetProperty("total").GetInt32());
        Assert.True(rows["Snapshots"].GetProperty("size").GetInt64() >= new FileInfo(OciImages.BusyboxPath).Length);
        var table = Output.Table((await OkAsync(ctl, "df")).Stdout, "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
        Assert.Equal(["Images", "1", "0"], table[0][..3]);
        Assert.EndsWith("(100%)", table[0][4]);
        _ = image;
    }

    [Fact]
    public async Task Gc_explain_says_an_image_is_a_root_and_its_content_is_kept_by_it()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox();
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("explain.tar")));

        var explainedImage = await OkAsync(ctl, "gc", "explain", "image/busybox:1.36");

        Assert.Equal([$"image {OciImages.DefaultName} is alive: it is a root (an image)",
            $"  it keeps content {image.ManifestDigest} and what that reaches (gc explain content/{image.ManifestDigest})",
            "  no container names it"], explainedImage.Lines);
        var layerExplained = await OkAsync(ctl, "gc", "explain", "content/" + image.LayerDigests[0]);
        Assert.Equal($"content {image.LayerDigests[0]} is alive:", layerExplained.Lines[0]);
        Assert.Contains(layerExplained.Lines, l => l.Contains($"labelled by content {image.ManifestDigest}") && l.EndsWith($"referenced by image {ctl.Namespace}/{OciImages.DefaultName}"));
        var json = await JsonAsync(ctl, "gc", "explain", "image/docker.io/library/busybox:1.36");
        Assert.Equal(("image", true), (json.GetProperty("resource").GetProperty("kind").GetString(), json.GetProperty("root").GetBoolean()));
        Assert.Equal(4, (await ctl.RunAsync("gc", "explain", "image/nothere:1")).ExitCode);
    }

    [Fact]
    public async Task Content_ls_get_label_and_rm_work_on_blobs()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox();
        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("content.tar")));

        Assert.Equal(layout.Blobs.Keys.Order(), await ContentDigestsAsync(ctl));
        var rows = Output.Table((await OkAsync(ctl, "content", "ls")).Stdout, "DIGEST", "SIZE", "CREATED", "LABELS");
        Assert.Contains(rows, r => r[0] == image.ManifestDigest && r[3].Contains("platform.io/gc.ref.content.config=" + image.ConfigDigest));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(layout.Blobs[image.ManifestDigest]), (await OkAsync(ctl, "content", "get", image.ManifestDigest)).Stdout);
        await OkAsync(ctl, "content", "get", image.LayerDigests[0], "--file", _dir.File("layer.tgz"));
        Assert.Equal(layout.Blobs[image.LayerDigests[0]], File.ReadAllBytes(_dir.File("layer.tgz")));

        var labelled = Output.Block((await OkAsync(ctl, "content", "label", image.ConfigDigest, "team=base")).Stdout);
        Assert.Equal(image.ConfigDigest, labelled["Digest"]);
        Assert.Contains("team=base", labelled["Labels"]);

        var refused = await ctl.RunAsync("content", "rm", image.LayerDigests[0]);
        Assert.Equal(6, refused.ExitCode);

        var loose = "a loose blob\n"u8.ToArray();
        await fixture.Client.Content.WriteAsync(new MemoryStream(loose), loose.Length, OciImages.DigestOf(loose), "loose-" + ctl.Namespace, @namespace: ctl.Namespace, cancellationToken: Ct);
        Assert.Equal(OciImages.DigestOf(loose) + "\n", (await OkAsync(ctl, "content", "rm", OciImages.DigestOf(loose))).Stdout);
        Assert.Equal(4, (await ctl.RunAsync("content", "get", OciImages.DigestOf(loose))).ExitCode);
    }

    [Fact]
    public async Task Events_show_image_and_content_events_with_names_and_digests()
    {
        var ctl = Ctl();
        var (layout, image) = Busybox();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new SharedOutput();
        var stderr = new SharedOutput();
        var events = ctl.Start(stdout, stderr, stop.Token, "events", "--filter", $"namespace=={ctl.Namespace}");
        await Eventually.TrueAsync(() => stderr.ToString().Contains(Commands.Events.EventsCommand.Listening) || events.IsCompleted, Ct, because: "events should subscribe");

        await OkAsync(ctl, "images", "load", "--input", layout.WriteTar(_dir.File("events.tar")));

        await Eventually.TrueAsync(() => stdout.ToString().Contains(" ImageCreated "), Ct, because: "the load should be printed");
        await stop.CancelAsync();
        Assert.Equal(0, await events);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        var created = Assert.Single(lines, l => l[1] == "ImageCreated");
        Assert.Equal([ctl.Namespace, OciImages.DefaultName], created[2..4]);
        Assert.Equal($"target={image.ManifestDigest}", created[5]);
        Assert.Contains(lines, l => l[1] == "ContentCommitted" && l[3] == image.LayerDigests[0]);
    }

    private static Dictionary<string, string> TarEntries(string path)
    {
        var entries = new Dictionary<string, string>();
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || entry.Name.StartsWith("blobs/", StringComparison.Ordinal))
                continue;
            entries[entry.Name] = new StreamReader(entry.DataStream).ReadToEnd();
        }
        return entries;
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
