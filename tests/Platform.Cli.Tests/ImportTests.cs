using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>snapshots import</c>: tarballs sent as they are, folders archived first, progress on stderr only.</summary>
[SupportedOSPlatform("linux")]
public sealed partial class When_a_user_imports_a_snapshot(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    /// <summary>The folder a read-only view of <paramref name="name"/> binds: the committed snapshot's own files.</summary>
    private static async Task<string> ViewFolderAsync(PlatformCtl ctl, string name)
    {
        var mounts = Output.Json((await OkAsync(ctl, "snapshots", "view", name + "-view", "--parent", name, "-o", "json")).Stdout).GetProperty("mounts");
        var mount = Assert.Single(mounts.EnumerateArray().ToList());
        Assert.Equal("bind", mount.GetProperty("type").GetString());
        return mount.GetProperty("source").GetString()!;
    }

    private static void AssertSmallRootfs(string folder)
    {
        Assert.Equal(Archives.Hello, File.ReadAllBytes(Path.Combine(folder, "bin", "hello")));
        Assert.Equal(Archives.Executable, File.GetUnixFileMode(Path.Combine(folder, "bin", "hello")));
        Assert.Equal("hello", new FileInfo(Path.Combine(folder, "bin", "hi")).LinkTarget);
        Assert.Equal(Archives.Motd, File.ReadAllBytes(Path.Combine(folder, "etc", "motd")));
        Assert.Equal(Archives.Regular, File.GetUnixFileMode(Path.Combine(folder, "etc", "motd")));
        Assert.Equal("1234:5678", Files.Owner(Path.Combine(folder, "etc", "motd")));
    }

    [Fact]
    public async Task A_tarball_becomes_a_committed_snapshot_whose_files_keep_their_modes_links_and_owners()
    {
        var ctl = PlatformCtl.For(fixture);
        var tarball = _scratch.Write("rootfs.tar", Archives.SmallRootfs());

        var imported = await ctl.RunAsync("snapshots", "import", "rootfs", "--from", tarball, "--label", "origin=test");

        Assert.True(imported.ExitCode == 0, imported.ToString());
        var block = Output.Block(imported.Stdout);
        Assert.Equal(("rootfs", "committed", "-"), (block["Key"], block["Kind"], block["Parent"]));
        // Imported without a lease, so kept as a root until removed by name.
        Assert.Contains("origin=test", block["Labels"]);
        Assert.Contains("platform.io/gc.root=import", block["Labels"]);
        Assert.Equal(Output.Block((await OkAsync(ctl, "snapshots", "stat", "rootfs")).Stdout), block);
        var usage = Output.Json((await OkAsync(ctl, "snapshots", "usage", "rootfs", "-o", "json")).Stdout);
        Assert.Equal(["size", "inodes"], Output.PropertyNames(usage));
        Assert.Equal(Archives.Hello.Length + Archives.Motd.Length, usage.GetProperty("size").GetInt64());
        Assert.Equal(5, usage.GetProperty("inodes").GetInt64());
        var table = Output.Table((await OkAsync(ctl, "snapshots", "usage", "rootfs")).Stdout, "SIZE", "INODES");
        Assert.Equal([[$"{Archives.Hello.Length + Archives.Motd.Length} B", "5"]], table);
        AssertSmallRootfs(await ViewFolderAsync(ctl, "rootfs"));
    }

    [Fact]
    public async Task A_gzip_tarball_is_recognised_by_its_content_whatever_its_name_and_can_have_a_parent()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "import", "base", "--from", _scratch.Write("base.tar", Archives.SmallRootfs()));
        var layer = _scratch.Write("layer.bin", Archives.Gzip(Archives.SmallRootfs(("etc/extra", "more\n"u8.ToArray()))));

        var imported = await OkAsync(ctl, "snapshots", "import", "top", "--from", layer, "--parent", "base", "-o", "json");

        var snapshot = Output.Json(imported.Stdout);
        Assert.Equal(("top", "base", "committed"),
            (snapshot.GetProperty("key").GetString(), snapshot.GetProperty("parent").GetString(), snapshot.GetProperty("kind").GetString()));
        var usage = Output.Json((await OkAsync(ctl, "snapshots", "usage", "top", "-o", "json")).Stdout);
        Assert.Equal(6, usage.GetProperty("inodes").GetInt64());
    }

    [Fact]
    public async Task A_folder_is_archived_relative_to_itself_with_modes_owners_and_symlinks()
    {
        var ctl = PlatformCtl.For(fixture);
        var folder = _scratch.Folder("rootfs-dir");
        Directory.CreateDirectory(Path.Combine(folder, "bin"));
        Directory.CreateDirectory(Path.Combine(folder, "etc"));
        File.WriteAllBytes(Path.Combine(folder, "bin", "hello"), Archives.Hello);
        File.SetUnixFileMode(Path.Combine(folder, "bin", "hello"), Archives.Executable);
        File.CreateSymbolicLink(Path.Combine(folder, "bin", "hi"), "hello");
        File.WriteAllBytes(Path.Combine(folder, "etc", "motd"), Archives.Motd);
        File.SetUnixFileMode(Path.Combine(folder, "etc", "motd"), Archives.Regular);
        Files.ChangeOwner(Path.Combine(folder, "etc", "motd"), "1234:5678");
        var temporaryBefore = TemporaryArchives();

        var imported = await ctl.RunAsync("snapshots", "import", "from-dir", "--from", folder);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal("from-dir", Output.Block(imported.Stdout)["Key"]);
        Assert.Equal(5, Output.Json((await OkAsync(ctl, "snapshots", "usage", "from-dir", "-o", "json")).Stdout).GetProperty("inodes").GetInt64());
        AssertSmallRootfs(await ViewFolderAsync(ctl, "from-dir"));
        Assert.Equal(temporaryBefore, TemporaryArchives());
    }

    private static string[] TemporaryArchives() => Directory.GetFiles(Path.GetTempPath(), "platformctl-import-*");

    [Fact]
    public async Task A_truncated_tar_gz_exits_3_and_leaves_no_snapshot()
    {
        var ctl = PlatformCtl.For(fixture);
        var whole = Archives.Gzip(Archives.SmallRootfs(("big", Archives.Random(256 * 1024))));
        var truncated = _scratch.Write("truncated.tar.gz", whole[..(whole.Length * 6 / 10)]);
        await OkAsync(ctl, "snapshots", "prepare", "existing");
        var before = (await OkAsync(ctl, "snapshots", "ls")).Stdout;

        var result = await ctl.RunAsync("snapshots", "import", "broken", "--from", truncated);

        Assert.Equal((3, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("error: InvalidArgument: ", result.Stderr);
        Assert.Contains("truncated", result.Stderr);
        Assert.Equal(before, (await OkAsync(ctl, "snapshots", "ls")).Stdout);
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "broken")).ExitCode);
    }

    [Fact]
    public async Task A_missing_from_path_exits_3_naming_it_before_reaching_the_broker()
    {
        var missing = Path.Combine(_scratch.Root, "no-such-rootfs");

        var result = await PlatformCtl.WithoutPlatform().RunAsync("snapshots", "import", "x", "--from", missing,
            "--bus", "amqp://guest:guest@127.0.0.1:1/");

        Assert.Equal((3, ""), (result.ExitCode, result.Stdout));
        Assert.Equal($"error: InvalidArgument: --from \"{missing}\" does not exist\n", result.Stderr);
    }

    [Fact]
    public async Task A_file_that_is_no_tar_exits_3_even_when_named_like_one()
    {
        var ctl = PlatformCtl.For(fixture);
        var fake = _scratch.Write("fake.tar.gz", "this is not an archive, only text long enough to fill a block"u8.ToArray());
        var fakeGzip = _scratch.Write("fake-inner.tgz", Archives.Gzip(new byte[2048].Select((_, i) => (byte)('a' + i % 26)).ToArray()));

        var text = await ctl.RunAsync("snapshots", "import", "x", "--from", fake);
        var gzipOfText = await ctl.RunAsync("snapshots", "import", "x", "--from", fakeGzip);

        Assert.Equal((3, ""), (text.ExitCode, text.Stdout));
        Assert.Equal($"error: InvalidArgument: --from \"{fake}\" is neither a folder nor a tar or gzip-compressed tar archive\n", text.Stderr);
        Assert.Equal(3, gzipOfText.ExitCode);
        Assert.Contains(fakeGzip, gzipOfText.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "x")).ExitCode);
    }

    [Fact]
    public async Task Progress_goes_to_stderr_a_line_per_tenth_ending_at_100_percent_and_stdout_holds_only_the_snapshot()
    {
        var ctl = PlatformCtl.For(fixture);
        // Several of the service's 512 KiB chunks, so progress is reported more than once.
        var tarball = _scratch.Write("big.tar", Archives.SmallRootfs(("blob", Archives.Random(2_600_000))));

        var result = await OkAsync(ctl, "snapshots", "import", "big", "--from", tarball);

        Assert.Equal("big", Output.Block(result.Stdout)["Key"]);
        Assert.DoesNotContain("importing", result.Stdout);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 3, 10);
        var percents = lines.Select(line =>
        {
            var match = ProgressLine().Match(line);
            Assert.True(match.Success, $"unexpected progress line \"{line}\"");
            return int.Parse(match.Groups["percent"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(percents.Count, percents.Select(p => p / 10).Distinct().Count());
        Assert.EndsWith("100% (2.5 MiB of 2.5 MiB)", lines[^1]);
        Assert.DoesNotContain('\r', result.Stderr);
    }

    [GeneratedRegex(@"^importing big: (?<percent>\d{1,3})% \(\d+(\.\d)? (B|KiB|MiB) of 2\.5 MiB\)$")]
    private static partial Regex ProgressLine();

    [Fact]
    public void On_a_terminal_progress_rewrites_one_line_and_ends_it_once()
    {
        var stderr = new StringWriter();
        var progress = new ImportProgress(stderr, "busybox", terminal: true);

        progress.Report((0, 200 * 1024 * 1024));
        progress.Report((1_048_575, 200 * 1024 * 1024));
        progress.Report((77_804_749, 200 * 1024 * 1024));
        progress.Finish();

        Assert.Equal(
            "\rimporting busybox: 0% (0 B of 200.0 MiB)" +
            "\rimporting busybox: 0% (1024.0 KiB of 200.0 MiB)" +
            "\rimporting busybox: 37% (74.2 MiB of 200.0 MiB) \n",
            stderr.ToString());
    }

    [Fact]
    public async Task A_folder_archive_names_entries_relative_to_the_folder_and_keeps_links_as_links()
    {
        var folder = _scratch.Folder("walk");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, ".hidden"), "dot files count too");
        File.WriteAllText(Path.Combine(folder, "sub", "file"), "x");
        File.SetUnixFileMode(Path.Combine(folder, "sub", "file"), Archives.Executable);
        Files.ChangeOwner(Path.Combine(folder, "sub", "file"), "42:43");
        File.CreateSymbolicLink(Path.Combine(folder, "sub", "link"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(folder, "loop"), folder);

        using var archive = new MemoryStream();
        await DirectoryTar.WriteAsync(folder, archive, Ct);
        archive.Position = 0;
        var entries = new List<TarEntry>();
        using (var reader = new TarReader(archive))
            while (reader.GetNextEntry(copyData: true) is { } entry)
                entries.Add(entry);

        Assert.Equal([".hidden", "loop", "sub", "sub/file", "sub/link"], entries.Select(e => e.Name.TrimEnd('/')));
        Assert.Equal(TarEntryFormat.Pax, entries[0].Format);
        var loop = entries.Single(e => e.Name == "loop");
        Assert.Equal((TarEntryType.SymbolicLink, folder), (loop.EntryType, loop.LinkName));
        var file = entries.Single(e => e.Name == "sub/file");
        Assert.Equal((TarEntryType.RegularFile, Archives.Executable, 42, 43), (file.EntryType, file.Mode, file.Uid, file.Gid));
        Assert.Equal((TarEntryType.SymbolicLink, "/etc/passwd"), (entries.Single(e => e.Name == "sub/link").EntryType, entries.Single(e => e.Name == "sub/link").LinkName));
        Assert.Equal(TarEntryType.Directory, entries.Single(e => e.Name.TrimEnd('/') == "sub").EntryType);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tar_content_is_recognised_plain_or_gzipped_and_anything_else_is_not(bool gzip)
    {
        byte[] Maybe(byte[] data) => gzip ? Archives.Gzip(data) : data;

        Assert.True(ArchiveFormat.IsTar(new MemoryStream(Maybe(Archives.SmallRootfs()))));
        Assert.True(ArchiveFormat.IsTar(new MemoryStream(Maybe(new byte[1024]))), "an empty archive is only its end marker");
        Assert.False(ArchiveFormat.IsTar(new MemoryStream(Maybe("hello"u8.ToArray()))));
        Assert.False(ArchiveFormat.IsTar(new MemoryStream(Maybe(Archives.Random(4096)))));
        var corrupt = Archives.SmallRootfs();
        corrupt[0] ^= 0x20; // the first entry's name changes, its checksum does not
        Assert.False(ArchiveFormat.IsTar(new MemoryStream(Maybe(corrupt))));
    }

    public void Dispose() => _scratch.Dispose();
}
