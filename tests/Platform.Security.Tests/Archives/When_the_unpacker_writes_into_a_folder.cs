using System.Security.Cryptography;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.ResourceGc.Import;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// The unpacker alone, on a temp folder: the rules the consumers hand it, gzip ratios, and whiteouts on a folder that
/// starts as a copy of a parent holding symlinks out (what the copying snapshotter gives it).
/// </summary>
public sealed class When_the_unpacker_writes_into_a_folder : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"platform-unpack-{Guid.NewGuid():N}", "fs");
    private readonly HostCanary _canary = new();

    public When_the_unpacker_writes_into_a_folder() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task A_device_node_is_refused_by_the_unprivileged_rules_and_made_by_the_privileged_ones()
    {
        var tar = new HostileTar().CharDevice("dev/null", 1, 3).Tar();

        var e = await Assert.ThrowsAsync<PlatformException>(() => UnpackAsync(tar, Whiteouts.Drop, new ArchiveRules { AllowDevices = false }));
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Null(HostStat.OfOrNull(Path.Combine(_root, "dev/null")));

        await UnpackAsync(tar, Whiteouts.Drop, new ArchiveRules { AllowDevices = true });
        Assert.Equal(HostStat.CharDevice, HostStat.Of(Path.Combine(_root, "dev/null")).Type);
    }

    [Fact]
    public async Task A_gzip_stream_past_the_ratio_stops_with_ResourceExhausted_and_random_data_does_not()
    {
        var rules = new ArchiveRules { MaxExpansionRatio = 10, RatioCheckedAfter = 1024 * 1024 };
        var zeros = HostileTar.Gzip(new HostileTar().File("zeros", new byte[4 * 1024 * 1024]).Tar());
        var random = HostileTar.Gzip(new HostileTar().File("random", RandomNumberGenerator.GetBytes(4 * 1024 * 1024)).Tar());

        var e = await Assert.ThrowsAsync<PlatformException>(() => UnpackFileAsync(zeros, Whiteouts.Drop, rules));
        Assert.Equal(ErrorKind.ResourceExhausted, e.Kind);
        Assert.Contains("MaxExpansionRatio", e.Message);

        await UnpackFileAsync(random, Whiteouts.Drop, rules);
        Assert.Equal(4 * 1024 * 1024, new FileInfo(Path.Combine(_root, "random")).Length);
    }

    [Fact]
    public async Task An_image_layer_past_the_ratio_stops_before_its_diff_id_is_checked()
    {
        var tar = new HostileTar().File("zeros", new byte[4 * 1024 * 1024]).Tar();
        var blob = Path.Combine(Path.GetDirectoryName(_root)!, "layer.gz");
        await File.WriteAllBytesAsync(blob, HostileTar.Gzip(tar), Ct);

        var e = await Assert.ThrowsAsync<PlatformException>(() => TarUnpacker.UnpackLayerAsync(blob, _root, Whiteouts.Drop,
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)), new ArchiveRules { MaxExpansionRatio = 10, RatioCheckedAfter = 1024 * 1024 }, Ct));

        Assert.Equal(ErrorKind.ResourceExhausted, e.Kind);
    }

    [Fact]
    public async Task A_whiteout_removes_a_parents_symlink_and_a_tree_holding_one_without_following_them()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tree", "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "lib"), _canary.Folder);
        File.CreateSymbolicLink(Path.Combine(_root, "tree", "sub", "out"), _canary.Path);

        await UnpackAsync(new HostileTar().File(".wh.lib", "").File(".wh.tree", "").File("kept", "k").Tar(), Whiteouts.Delete, new ArchiveRules());

        Assert.Equal(["kept"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
        _canary.AssertUntouched();
    }

    [Fact]
    public async Task An_opaque_marker_on_a_copy_deletes_what_the_parent_left_and_keeps_what_the_layer_wrote_into_its_folders()
    {
        Directory.CreateDirectory(Path.Combine(_root, "o", "sub"));
        await File.WriteAllTextAsync(Path.Combine(_root, "o", "sub", "old"), "parent", Ct);
        await File.WriteAllTextAsync(Path.Combine(_root, "o", "top"), "parent", Ct);
        File.CreateSymbolicLink(Path.Combine(_root, "o", "out"), _canary.Folder);

        await UnpackAsync(new HostileTar().File("o/sub/new", "layer").File("o/.wh..wh..opq", "").File("o/after", "layer").Tar(), Whiteouts.Delete, new ArchiveRules());

        var left = Directory.GetFileSystemEntries(Path.Combine(_root, "o"), "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_root, p)).Order();
        Assert.Equal(["o/after", "o/sub", "o/sub/new"], left);
        _canary.AssertUntouched();
    }

    [Fact]
    public async Task A_name_whose_folder_is_the_parents_symlink_is_refused_and_nothing_is_written_through_it()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "etc"), _canary.Folder);

        var e = await Assert.ThrowsAsync<PlatformException>(() => UnpackAsync(new HostileTar().File("etc/file", "pwned").Tar(), Whiteouts.Delete, new ArchiveRules()));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("symlink etc", e.Message);
        _canary.AssertUntouched();
    }

    public void Dispose()
    {
        _canary.Dispose();
        Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);
    }

    private Task UnpackAsync(byte[] tar, Whiteouts whiteouts, ArchiveRules rules) =>
        TarUnpacker.UnpackAsync(new MemoryStream(tar), _root, whiteouts, rules, Ct);

    private async Task UnpackFileAsync(byte[] archive, Whiteouts whiteouts, ArchiveRules rules)
    {
        var path = Path.Combine(Path.GetDirectoryName(_root)!, "archive");
        await File.WriteAllBytesAsync(path, archive, Ct);
        await TarUnpacker.UnpackAsync(path, _root, whiteouts, rules, Ct);
    }
}
