using System.Formats.Tar;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Platform.ResourceGc.Tests.Drivers;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// Imports of tar and tar.gz archives as committed snapshots: what lands on disk, and that a bad archive (wrong
/// digest, truncated, escaping its folder) is refused with InvalidArgument and leaves nothing behind.
/// </summary>
public sealed class When_a_client_imports_an_archive(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ImportsFolder => Path.Combine(fixture.DataRoot, "imports");

    [Theory]
    [InlineData(Sn.Overlay, false)]
    [InlineData(Sn.Overlay, true)]
    [InlineData(Sn.Native, false)]
    [InlineData(Sn.Native, true)]
    public async Task Should_unpack_files_folders_links_and_modes_into_a_committed_snapshot(string sn, bool gzip)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("import");
        var archive = new TarBuilder()
            .Directory("bin/", Modes.Directory)
            .File("bin/tool", "#!/bin/sh\necho hi\n", Modes.Executable)
            .Symlink("bin/tool-link", "tool")
            .Symlink("bin/sh", "/bin/busybox")
            .Directory("etc/", Modes.PrivateDirectory)
            .File("etc/config", "key=value\n")
            .HardLink("etc/config-again", "etc/config")
            .File("var/lib/deep/empty", "", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = gzip ? archive.TarGz() : archive.Tar();
        var before = Folders.List(fixture, sn);

        var snapshot = await client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", labels: new Dictionary<string, string> { ["origin"] = "test" },
            snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        Assert.Equal(SnapshotKind.Committed, snapshot.Kind);
        Assert.Equal("layer", snapshot.Key);
        Assert.Null(snapshot.Parent);
        // Imported without a lease: kept as a root until removed by name.
        Assert.Equal(new Dictionary<string, string> { ["origin"] = "test", ["platform.io/gc.root"] = "import" }, snapshot.Labels);
        Assert.Equal(SnapshotKind.Committed, (await client.Snapshots.StatAsync("layer", sn, ns, Ct)).Kind);
        var fs = Folders.Fs(Folders.New(before, Folders.List(fixture, sn)));

        Assert.Equal("#!/bin/sh\necho hi\n", await File.ReadAllTextAsync(Path.Combine(fs, "bin", "tool"), Ct));
        Assert.Equal(Modes.Executable, ModeOf(Path.Combine(fs, "bin", "tool")));
        Assert.Equal(Modes.Directory, ModeOf(Path.Combine(fs, "bin")));
        Assert.Equal(Modes.PrivateDirectory, ModeOf(Path.Combine(fs, "etc")));
        Assert.Equal(Modes.File, ModeOf(Path.Combine(fs, "etc", "config")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(Path.Combine(fs, "var", "lib", "deep", "empty")));
        Assert.Equal("tool", new FileInfo(Path.Combine(fs, "bin", "tool-link")).LinkTarget);
        Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(fs, "bin", "sh")).LinkTarget);
        Assert.Equal(LinuxCalls.LStat(Path.Combine(fs, "etc", "config")).Inode, LinuxCalls.LStat(Path.Combine(fs, "etc", "config-again")).Inode);
        Assert.Equal(TarBuilder.Time.UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(fs, "bin", "tool")));
        Assert.Equal(TarBuilder.Time.UtcDateTime, Directory.GetLastWriteTimeUtc(Path.Combine(fs, "bin")));

        var usage = await client.Snapshots.UsageAsync("layer", sn, ns, Ct);
        Assert.Equal(18 + 10, usage.Size);
        Assert.Equal(10, usage.Inodes); // bin, tool, tool-link, sh, etc, config (= config-again), var, lib, deep, empty
        Assert.Empty(LeftoverImports());

        // An imported layer is a parent like any committed snapshot.
        var child = await client.PrepareAsync(ns, sn, "rw", parent: "layer");
        Assert.Equal("layer", child.Snapshot.Parent);
    }

    [Theory]
    [InlineData("missing-parent", ErrorKind.NotFound)]
    [InlineData("missing-lease", ErrorKind.NotFound)]
    [InlineData("taken-name", ErrorKind.AlreadyExists)]
    public async Task Should_refuse_before_the_upload_what_would_be_refused_after_it(string situation, ErrorKind kind)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("early");
        if (situation == "taken-name")
            await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = Sn.Overlay, Key = "layer" }, Ct);
        var progress = new List<(long Sent, long Total)>();

        var error = await Assert.ThrowsAsync<PlatformException>(() => client.Snapshots.ImportAsync(
            new MemoryStream(new TarBuilder().File("a", "a").Tar()), "layer",
            parent: situation == "missing-parent" ? "nope" : null, leaseId: situation == "missing-lease" ? "nope" : null,
            snapshotter: Sn.Overlay, @namespace: ns, progress: new SynchronousProgress(progress), cancellationToken: Ct));

        Assert.Equal(kind, error.Kind);
        Assert.Empty(progress); // nothing was sent: the refusal came with the first request
    }

    private sealed class SynchronousProgress(List<(long Sent, long Total)> reports) : IProgress<(long Sent, long Total)>
    {
        public void Report((long Sent, long Total) value) => reports.Add(value);
    }

    [Fact]
    public async Task Should_refuse_a_digest_mismatch_and_leave_nothing()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("digest");
        var bytes = new TarBuilder().File("a", "a").Tar();
        var wrong = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("something else"u8));
        var before = Folders.List(fixture, Sn.Overlay);

        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => ImportRawAsync(ns, Sn.Overlay, "layer", bytes, wrong));

        Assert.Contains("digest", e.Message);
        Assert.False(await client.SnapshotExistsAsync(ns, Sn.Overlay, "layer"));
        Assert.Equal(before, Folders.List(fixture, Sn.Overlay));
        Assert.Empty(LeftoverImports());
    }

    [Theory]
    [InlineData(Sn.Overlay, false)]
    [InlineData(Sn.Overlay, true)]
    [InlineData(Sn.Native, false)]
    [InlineData(Sn.Native, true)]
    public async Task Should_refuse_a_truncated_archive_and_leave_nothing(string sn, bool gzip)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("trunc");
        var archive = new TarBuilder().File("first", "complete").File("second", RandomNumberGenerator.GetBytes(64 * 1024));
        var whole = gzip ? archive.TarGz() : archive.Tar();
        var before = Folders.List(fixture, sn);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Snapshots.ImportAsync(new MemoryStream(whole[..(whole.Length / 2)]), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.False(await client.SnapshotExistsAsync(ns, sn, "layer"));
        Assert.Equal(before, Folders.List(fixture, sn));
        Assert.Empty(LeftoverImports());
    }

    [Theory]
    [InlineData("random")]
    [InlineData("corrupt-gzip")]
    [InlineData("link-to-nothing")]
    [InlineData("file-as-folder")]
    public async Task Should_refuse_a_corrupt_or_inconsistent_archive_and_leave_nothing(string kind)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("corrupt");
        var bytes = kind switch
        {
            "random" => RandomNumberGenerator.GetBytes(10 * 1024),
            "corrupt-gzip" => Corrupt(new TarBuilder().File("a", RandomNumberGenerator.GetBytes(8192)).TarGz()),
            "link-to-nothing" => new TarBuilder().HardLink("b", "missing").Tar(),
            _ => new TarBuilder().File("a", "a file").File("a/b", "under a file").Tar(),
        };
        var before = Folders.List(fixture, Sn.Overlay);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", snapshotter: Sn.Overlay, @namespace: ns, cancellationToken: Ct));

        Assert.False(await client.SnapshotExistsAsync(ns, Sn.Overlay, "layer"));
        Assert.Equal(before, Folders.List(fixture, Sn.Overlay));
        Assert.Empty(LeftoverImports());

        static byte[] Corrupt(byte[] gz)
        {
            for (var i = gz.Length / 3; i < gz.Length * 2 / 3; i++)
                gz[i] ^= 0x5a;
            return gz;
        }
    }

    [Fact]
    public async Task Should_answer_Internal_with_the_cause_when_completing_fails_unexpectedly()
    {
        Need.Root();
        var client = fixture.Client;
        var ns = Unique.Namespace("internal");
        var root = Folders.Root(fixture, Sn.Native);
        Directory.CreateDirectory(root);
        // An immutable snapshot root: even root cannot create the new snapshot's folder in it.
        await Mounts.RunAsync("chattr", ["+i", root], Ct);
        try
        {
            var e = await Expect.ErrorAsync(ErrorKind.Internal, () =>
                client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File("a", "a").Tar()), "layer", snapshotter: Sn.Native, @namespace: ns, cancellationToken: Ct));
            Assert.Contains("native/layer", e.Message);
        }
        finally
        {
            await Mounts.RunAsync("chattr", ["-i", root], CancellationToken.None);
        }
        Assert.False(await client.SnapshotExistsAsync(ns, Sn.Native, "layer"));
        Assert.Empty(LeftoverImports());
    }

    [Fact]
    public async Task Should_refuse_an_archive_that_announces_more_than_it_sends()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("short");
        var bytes = new TarBuilder().File("a", "a").Tar();
        var started = await BeginAsync(ns, Sn.Overlay, "layer", bytes.Length + 10, Digest(bytes));
        await SendAsync(started.ImportId, bytes);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => CompleteAsync(started.ImportId));

        Assert.False(await client.SnapshotExistsAsync(ns, Sn.Overlay, "layer"));
        Assert.Empty(LeftoverImports());
        await Expect.ErrorAsync(ErrorKind.NotFound, () => CompleteAsync(started.ImportId));
    }

    [Fact]
    public async Task Should_refuse_chunks_out_of_order_or_beyond_the_announced_size()
    {
        var ns = Unique.Namespace("chunks");
        var bytes = new TarBuilder().File("a", "a").Tar();
        var started = await BeginAsync(ns, Sn.Overlay, "layer", bytes.Length, Digest(bytes));

        await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => ChunkAsync(started.ImportId, 512, bytes[512..]));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => ChunkAsync(started.ImportId, 0, [.. bytes, 1]));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => ChunkAsync("no-such-import", 0, bytes));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => BeginAsync(ns, Sn.Overlay, "layer", bytes.Length, "md5:abc"));

        // The refused chunks changed nothing: the import still completes.
        await SendAsync(started.ImportId, bytes);
        var snapshot = await CompleteAsync(started.ImportId);
        Assert.Equal(SnapshotKind.Committed, snapshot.Kind);
    }

    [Theory]
    [InlineData(Sn.Overlay, "../escape-{0}")]
    [InlineData(Sn.Overlay, "../../../../escape-{0}")]
    [InlineData(Sn.Native, "sub/../../../../../escape-{0}")]
    public async Task Should_refuse_an_entry_that_climbs_out_and_write_nothing_outside(string sn, string pattern)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("escape");
        var marker = Guid.NewGuid().ToString("N");
        var bytes = new TarBuilder().File("inside", "fine").File(string.Format(pattern, marker), "escaped").Tar();
        var before = Folders.List(fixture, sn);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.False(await client.SnapshotExistsAsync(ns, sn, "layer"));
        Assert.Equal(before, Folders.List(fixture, sn));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(fixture.DataRoot)!, $"escape-{marker}", SearchOption.AllDirectories));
        Assert.Empty(LeftoverImports());
    }

    [Theory]
    [InlineData(Sn.Overlay, "file")]
    [InlineData(Sn.Native, "file")]
    [InlineData(Sn.Overlay, "hardlink")]
    [InlineData(Sn.Native, "hardlink")]
    public async Task Should_refuse_an_entry_that_goes_through_a_symlink_and_write_nothing_outside(string sn, string kind)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("linkesc");
        using var scratch = new Scratch();
        var outside = scratch.Sub("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "secret"), "secret", Ct);
        var builder = new TarBuilder().Symlink("evil", outside).Symlink("up", "../../../../..");
        _ = kind == "file"
            ? builder.File("evil/pwned", "escaped").File("up/pwned-" + ns, "escaped")
            : builder.HardLink("stolen", "evil/secret");
        var before = Folders.List(fixture, sn);

        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Snapshots.ImportAsync(new MemoryStream(builder.Tar()), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.Contains("symlink evil", e.Message);
        Assert.Equal(["secret"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(fixture.DataRoot)!, "pwned-" + ns)));
        Assert.False(await client.SnapshotExistsAsync(ns, sn, "layer"));
        Assert.Equal(before, Folders.List(fixture, sn));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_replace_a_symlink_by_a_later_directory_entry_without_touching_its_target(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("linkdir");
        using var scratch = new Scratch();
        var outside = scratch.Sub("outside");
        LinuxCalls.SetMode(outside, Modes.PrivateDirectory);
        var before = Folders.List(fixture, sn);
        var archive = new TarBuilder().Symlink("data", outside).Directory("data/", Modes.Directory | UnixFileMode.OtherWrite).File("data/file", "inside");

        await client.Snapshots.ImportAsync(new MemoryStream(archive.Tar()), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        var fs = Folders.Fs(Folders.New(before, Folders.List(fixture, sn)));
        Assert.True(LinuxCalls.LStat(Path.Combine(fs, "data")).IsDirectory);
        Assert.Equal(Modes.Directory | UnixFileMode.OtherWrite, ModeOf(Path.Combine(fs, "data")));
        Assert.Equal("inside", await File.ReadAllTextAsync(Path.Combine(fs, "data", "file"), Ct));
        Assert.Equal(Modes.PrivateDirectory, ModeOf(outside));
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_import_onto_a_parent(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("onto");
        await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File("etc/base", "base").File("etc/changed", "old").Tar()), "base",
            snapshotter: sn, @namespace: ns, cancellationToken: Ct);
        var before = Folders.List(fixture, sn);

        var child = await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File("etc/changed", "new").File("app", "app").TarGz()), "app",
            parent: "base", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        Assert.Equal("base", child.Parent);
        Assert.Equal(SnapshotKind.Committed, child.Kind);
        var fs = Folders.Fs(Folders.New(before, Folders.List(fixture, sn)));
        Assert.Equal("new", await File.ReadAllTextAsync(Path.Combine(fs, "etc", "changed"), Ct));
        Assert.Equal("app", await File.ReadAllTextAsync(Path.Combine(fs, "app"), Ct));
        // overlayfs keeps only the layer's own files; the copying snapshotter starts from a copy of the parent.
        Assert.Equal(sn == Sn.Native, File.Exists(Path.Combine(fs, "etc", "base")));

        var rootfs = await client.PrepareAsync(ns, sn, "rootfs", parent: "app");
        if (sn == Sn.Overlay)
            Assert.Contains(Assert.Single(rootfs.Mounts).Options, o => o.StartsWith($"lowerdir={fs}:", StringComparison.Ordinal));
        var e = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Snapshots.RemoveAsync("base", sn, ns, Ct));
        Assert.Contains("app", e.Message);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_apply_a_layers_whiteouts_so_the_mounted_rootfs_no_longer_has_what_they_hide(string sn)
    {
        var client = fixture.Client;
        if (sn == Sn.Overlay)
            Need.Overlay(Folders.Root(fixture, Sn.Overlay));
        else
            Need.Root();
        var ns = Unique.Namespace("whiteout");
        await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder()
                .File("gone", "base").File("kept", "base").File("etc/old/conf", "base").File("opaque/a", "base").File("opaque/b", "base").Tar()),
            "base", snapshotter: sn, @namespace: ns, cancellationToken: Ct);
        // An OCI layer: .wh.NAME deletes NAME below; .wh..wh..opq hides everything below in its folder.
        await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder()
                .File(".wh.gone", "").File("etc/.wh.old", "").File("opaque/.wh..wh..opq", "").File("opaque/new", "layer").Tar()),
            "layer", parent: "base", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        var rootfs = await client.PrepareAsync(ns, sn, "rootfs", parent: "layer");
        using var scratch = new Scratch();
        var target = scratch.Sub("rootfs");
        await Mounts.ApplyAsync(rootfs.Mounts, target, Ct);
        try
        {
            Assert.False(File.Exists(Path.Combine(target, "gone")));
            Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(target, "kept"), Ct));
            Assert.False(Directory.Exists(Path.Combine(target, "etc", "old")));
            Assert.True(Directory.Exists(Path.Combine(target, "etc")));
            Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.Combine(target, "opaque")).Select(Path.GetFileName));
            Assert.DoesNotContain(Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories), e => Path.GetFileName(e).StartsWith(".wh.", StringComparison.Ordinal));
        }
        finally
        {
            Mounts.Unmount(target);
        }
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_drop_the_whiteouts_of_a_layer_without_a_parent(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("whiteout-root");
        var before = Folders.List(fixture, sn);
        await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File(".wh.nothing", "").File("dir/.wh..wh..opq", "").File("file", "f").Tar()),
            "root", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        var fs = Folders.Fs(Folders.New(before, Folders.List(fixture, sn)));
        Assert.Equal(["file"], Directory.GetFileSystemEntries(fs, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(".wh..")]
    [InlineData("dir/.wh.")]
    public async Task Should_refuse_a_whiteout_that_names_no_file(string entry)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("whiteout-bad");
        await client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File("a", "a").Tar()), "base", snapshotter: Sn.Native, @namespace: ns, cancellationToken: Ct);

        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Snapshots.ImportAsync(new MemoryStream(new TarBuilder().File(entry, "").Tar()),
            "layer", parent: "base", snapshotter: Sn.Native, @namespace: ns, cancellationToken: Ct));
        Assert.Contains("whiteout", e.Message);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_refuse_a_missing_or_active_parent_or_a_taken_name_and_leave_nothing(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("badparent");
        await client.PrepareAsync(ns, sn, "active");
        await client.CommittedAsync(ns, sn, "taken");
        var bytes = new TarBuilder().File("a", "a").Tar();
        var before = Folders.List(fixture, sn);

        await Expect.ErrorAsync(ErrorKind.NotFound, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", parent: "ghost", snapshotter: sn, @namespace: ns, cancellationToken: Ct));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", parent: "active", snapshotter: sn, @namespace: ns, cancellationToken: Ct));
        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "taken", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.False(await client.SnapshotExistsAsync(ns, sn, "layer"));
        Assert.Equal(before, Folders.List(fixture, sn));
        Assert.Empty(LeftoverImports());
    }

    [Fact]
    public async Task Should_import_50_MB_in_bounded_chunks_reporting_progress_in_order()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("big");
        const int size = 50 * 1024 * 1024;
        using var scratch = new Scratch();
        var data = Path.Combine(scratch.Path, "data.bin");
        await using (var output = File.Create(data))
        {
            var block = new byte[1024 * 1024];
            for (var written = 0; written < size; written += block.Length)
            {
                RandomNumberGenerator.Fill(block);
                await output.WriteAsync(block, Ct);
            }
        }
        var archive = Path.Combine(scratch.Path, "layer.tar");
        await using (var output = File.Create(archive))
        await using (var writer = new TarWriter(output, TarEntryFormat.Pax))
            await writer.WriteEntryAsync(data, "blob/data.bin", Ct);
        var chunkLimit = fixture.Services.GetRequiredService<IOptions<ResourceGcOptions>>().Value.ImportChunkSize;
        var progress = new RecordingProgress<(long Sent, long Total)>();
        var before = Folders.List(fixture, Sn.Overlay);

        await using (var input = File.OpenRead(archive))
            await client.Snapshots.ImportAsync(input, "big", snapshotter: Sn.Overlay, @namespace: ns, progress: progress, cancellationToken: Ct);

        var total = new FileInfo(archive).Length;
        var reports = progress.Reports;
        Assert.Equal((0, total), reports[0]);
        Assert.Equal((total, total), reports[^1]);
        Assert.All(reports, r => Assert.Equal(total, r.Total));
        var steps = reports.Zip(reports.Skip(1), (a, b) => b.Sent - a.Sent).ToList();
        Assert.All(steps, step => Assert.InRange(step, 1, chunkLimit));
        Assert.True(reports.Count >= total / chunkLimit, $"{reports.Count} progress reports for {total} bytes in chunks of at most {chunkLimit}");

        var fs = Folders.Fs(Folders.New(before, Folders.List(fixture, Sn.Overlay)));
        var imported = Path.Combine(fs, "blob", "data.bin");
        Assert.Equal(size, new FileInfo(imported).Length);
        Assert.Equal(await HashAsync(data), await HashAsync(imported));
        Assert.Equal(size, (await client.Snapshots.UsageAsync("big", Sn.Overlay, ns, Ct)).Size);
        Assert.Empty(LeftoverImports());
    }

    private List<string> LeftoverImports() => Directory.Exists(ImportsFolder) ? [.. Directory.GetFileSystemEntries(ImportsFolder)] : [];

    private static UnixFileMode ModeOf(string path) => LinuxCalls.LStat(path).Permissions;

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<string> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, Ct));
    }

    private async Task<Snapshot> ImportRawAsync(string ns, string sn, string name, byte[] bytes, string digest)
    {
        var started = await BeginAsync(ns, sn, name, bytes.Length, digest);
        await SendAsync(started.ImportId, bytes, started.ChunkSize);
        return await CompleteAsync(started.ImportId);
    }

    private Task<SnapshotImportStarted> BeginAsync(string ns, string sn, string name, long size, string digest) =>
        fixture.Client.RequestAsync<BeginSnapshotImport, SnapshotImportStarted>(QueueNames.Of<BeginSnapshotImport>(), new BeginSnapshotImport
        {
            Namespace = ns, Snapshotter = sn, Name = name, Size = size, Digest = digest,
        }, Ct);

    private async Task SendAsync(string importId, byte[] bytes, int chunkSize = 4096)
    {
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
            await ChunkAsync(importId, offset, bytes[offset..Math.Min(bytes.Length, offset + chunkSize)]);
    }

    private Task<SnapshotImportProgress> ChunkAsync(string importId, long offset, byte[] data) =>
        fixture.Client.RequestAsync<SnapshotImportChunk, SnapshotImportProgress>(QueueNames.Of<SnapshotImportChunk>(),
            new SnapshotImportChunk { ImportId = importId, Offset = offset, Data = data }, Ct);

    private async Task<Snapshot> CompleteAsync(string importId) =>
        (await fixture.Client.RequestAsync<CompleteSnapshotImport, SnapshotResult>(QueueNames.Of<CompleteSnapshotImport>(),
            new CompleteSnapshotImport { ImportId = importId }, Ct)).Snapshot;
}
