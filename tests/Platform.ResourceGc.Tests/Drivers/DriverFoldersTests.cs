using System.Runtime.Versioning;
using Platform.ResourceGc.Drivers;
using Xunit;

namespace Platform.ResourceGc.Tests.Drivers;

/// <summary>What both drivers do alike with their folders: usage, removal, listing.</summary>
[SupportedOSPlatform("linux")]
public sealed class DriverFoldersTests : IDisposable
{
    private readonly Scratch _scratch = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scratch.Dispose();

    private ISnapshotDriver Driver(string name) => DriverSelector.Create(name, _scratch.Path);

    [Theory]
    [InlineData("overlayfs", 15, 4)]
    [InlineData("native", 1015, 5)] // the copy of the parent's file is the child's own
    public async Task Usage_counts_bytes_and_inodes_of_the_snapshots_own_files_only(string name, long childSize, long childInodes)
    {
        var driver = Driver(name);
        await driver.CreateAsync(1, [], Ct);
        Assert.Equal((0L, 0L), driver.Usage(1));
        File.WriteAllBytes(Path.Combine(driver.FilesPath(1), "base.bin"), new byte[1000]);
        await driver.CreateAsync(2, [1], Ct);
        var child = driver.FilesPath(2);
        File.WriteAllBytes(Path.Combine(child, "x"), new byte[10]);
        Directory.CreateDirectory(Path.Combine(child, "d"));
        File.WriteAllBytes(Path.Combine(child, "d", "y"), new byte[5]);
        File.CreateSymbolicLink(Path.Combine(child, "l"), "base.bin"); // an inode with no file bytes, not followed
        HardLink.Create(Path.Combine(child, "h"), Path.Combine(child, "x")); // the same inode as x: counted once

        Assert.Equal((1000L, 1L), driver.Usage(1));
        Assert.Equal((childSize, childInodes), driver.Usage(2));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public void Usage_of_a_snapshot_with_no_folder_fails(string name)
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => Driver(name).Usage(42));
        Assert.Contains("42", error.Message);
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Remove_deletes_everything_without_following_symlinks_and_is_a_no_op_the_second_time(string name)
    {
        var driver = Driver(name);
        var outside = _scratch.Sub("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "keep me");
        await driver.CreateAsync(1, [], Ct);
        var files = driver.FilesPath(1);
        Directory.CreateDirectory(Path.Combine(files, "a", "b"));
        File.WriteAllText(Path.Combine(files, "a", "b", "readonly"), "r");
        File.SetUnixFileMode(Path.Combine(files, "a", "b", "readonly"), UnixFileMode.UserRead);
        File.SetUnixFileMode(Path.Combine(files, "a", "b"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(files, "sealed"));
        File.WriteAllText(Path.Combine(files, "sealed", "inside"), "s");
        File.SetUnixFileMode(Path.Combine(files, "sealed"), UnixFileMode.None); // like overlay's work/work
        Directory.CreateSymbolicLink(Path.Combine(files, "to-outside"), outside);
        File.CreateSymbolicLink(Path.Combine(files, "to-precious"), Path.Combine(outside, "precious"));
        await driver.CreateAsync(2, [], Ct);

        await driver.RemoveAsync(1, Ct);

        Assert.False(Directory.Exists(Path.Combine(driver.Root, "1")));
        Assert.False(driver.Exists(1));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outside, "precious")));
        Assert.Equal([2L], driver.ListIds());

        await driver.RemoveAsync(1, Ct); // already gone: nothing to do, no error
        await driver.RemoveAsync(77, Ct); // never existed
        Assert.True(driver.Exists(2));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Remove_refuses_a_tree_with_a_mount_inside_naming_it_and_leaves_the_mounted_files_alone(string name)
    {
        Need.Root();
        var driver = Driver(name);
        var outside = _scratch.Sub("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "keep me");
        await driver.CreateAsync(1, [], Ct);
        var mountPoint = Path.Combine(driver.FilesPath(1), "mnt");
        Directory.CreateDirectory(mountPoint);

        await Mounts.RunAsync("/bin/mount", ["--bind", outside, mountPoint], Ct);
        try
        {
            var busy = await Assert.ThrowsAsync<IOException>(() => driver.RemoveAsync(1, Ct));
            Assert.Contains(mountPoint, busy.Message);
            Assert.Equal("keep me", File.ReadAllText(Path.Combine(mountPoint, "precious")));
        }
        finally
        {
            Mounts.Unmount(mountPoint);
        }

        await driver.RemoveAsync(1, Ct);
        Assert.False(driver.Exists(1));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outside, "precious")));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task ListIds_lists_numeric_snapshot_folders_and_ignores_anything_else(string name)
    {
        var driver = Driver(name);
        Assert.Empty(driver.ListIds()); // no root yet
        foreach (var id in new long[] { 100, 3, 12 })
            await driver.CreateAsync(id, [], Ct);
        foreach (var other in new[] { "abc", "12abc", "-4", "+5", "007", " 8", "overlay-probe-1", "1e3", "99999999999999999999" })
            Directory.CreateDirectory(Path.Combine(driver.Root, other));
        File.WriteAllText(Path.Combine(driver.Root, "55"), "a file, not a snapshot");
        Directory.CreateSymbolicLink(Path.Combine(driver.Root, "66"), Path.Combine(driver.Root, "3"));

        Assert.Equal([3L, 12L, 100L], driver.ListIds());
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Exists_and_FilesPath_name_the_snapshot_folder(string name)
    {
        var driver = Driver(name);
        Assert.Equal(Path.Combine(_scratch.Path, "snapshots", name), driver.Root);
        Assert.Equal(Path.Combine(driver.Root, "9", "fs"), driver.FilesPath(9));
        Assert.False(driver.Exists(9));

        await driver.CreateAsync(9, [], Ct);

        Assert.True(driver.Exists(9));
        Assert.True(Directory.Exists(driver.FilesPath(9)));
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.FilesPath(-1));
    }
}
