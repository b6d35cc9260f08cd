using System.Runtime.Versioning;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Xunit;

namespace Platform.ResourceGc.Tests.Drivers;

[SupportedOSPlatform("linux")]
public sealed class OverlayDriverTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly OverlayDriver _driver;

    public OverlayDriverTests() => _driver = new OverlayDriver(Path.Combine(_scratch.Path, "overlayfs"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Mounts_follow_containerds_rules()
    {
        var root = _driver.Root;
        Assert.Equal("overlayfs", _driver.Name);

        MountAssert.Single(_driver.Mounts(5, SnapshotKind.Active, []), "bind", $"{root}/5/fs", "rbind", "rw");
        MountAssert.Single(_driver.Mounts(5, SnapshotKind.Active, [3, 1]), "overlay", "overlay",
            "index=off", $"workdir={root}/5/work", $"upperdir={root}/5/fs", $"lowerdir={root}/3/fs:{root}/1/fs");
        MountAssert.Single(_driver.Mounts(5, SnapshotKind.View, []), "bind", $"{root}/5/fs", "rbind", "ro");
        MountAssert.Single(_driver.Mounts(5, SnapshotKind.View, [3]), "bind", $"{root}/3/fs", "rbind", "ro");
        MountAssert.Single(_driver.Mounts(5, SnapshotKind.View, [3, 2, 1]), "overlay", "overlay",
            $"lowerdir={root}/3/fs:{root}/2/fs:{root}/1/fs");
        var refused = Assert.Throws<InvalidOperationException>(() => _driver.Mounts(5, SnapshotKind.Committed, [3]));
        Assert.Contains("Committed", refused.Message);
    }

    [Fact]
    public void A_root_with_a_comma_or_colon_is_refused_since_mount_options_could_not_carry_it()
    {
        Assert.Throws<ArgumentException>(() => new OverlayDriver(Path.Combine(_scratch.Path, "a,b")));
        Assert.Throws<ArgumentException>(() => new OverlayDriver(Path.Combine(_scratch.Path, "a:b")));
    }

    [Fact]
    public async Task Create_makes_empty_fs_and_work_folders_and_is_idempotent()
    {
        await _driver.CreateAsync(1, [], Ct);
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "kept.txt"), "kept");
        await _driver.CreateAsync(1, [], Ct); // again, as after a crash: nothing lost

        Assert.True(Directory.Exists(Path.Combine(_driver.Root, "1", "work")));
        Assert.Equal(Path.Combine(_driver.Root, "1", "fs"), _driver.FilesPath(1));
        Assert.Equal(["kept.txt"], Directory.GetFileSystemEntries(_driver.FilesPath(1)).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_driver.Root, "1", "work")));

        // A crash before the rename leaves fs.partial and no fs: the next create starts over.
        Directory.CreateDirectory(Path.Combine(_driver.Root, "2", "fs.partial", "junk"));
        await _driver.CreateAsync(2, [1], Ct);
        Assert.Empty(Directory.GetFileSystemEntries(_driver.FilesPath(2)));
        Assert.Equal(["fs", "work"], Directory.GetFileSystemEntries(Path.Combine(_driver.Root, "2")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_child_fs_takes_the_owner_and_mode_of_its_nearest_parent_since_the_merged_root_shows_the_upper_root()
    {
        Need.Root();
        await _driver.CreateAsync(1, [], Ct);
        LinuxCalls.LChown(_driver.FilesPath(1), 1234, 5678);
        File.SetUnixFileMode(_driver.FilesPath(1), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        await _driver.CreateAsync(2, [1], Ct);

        var child = LinuxCalls.LStat(_driver.FilesPath(2));
        Assert.Equal((1234u, 5678u), (child.Uid, child.Gid));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, child.Permissions);
    }

    [Fact]
    public async Task Create_with_a_missing_parent_fails_naming_it()
    {
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _driver.CreateAsync(2, [9], Ct));
        Assert.Contains("9", error.Message);
        Assert.False(_driver.Exists(2));
    }

    [Fact]
    public async Task An_active_child_shows_its_parent_and_writes_only_into_its_own_fs()
    {
        Need.Overlay(_driver.Root);
        await _driver.CreateAsync(1, [], Ct); // base, committed in the store
        var baseFiles = _driver.FilesPath(1);
        File.WriteAllText(Path.Combine(baseFiles, "a.txt"), "from base");
        File.WriteAllText(Path.Combine(baseFiles, "gone.txt"), "deleted in the child");
        await _driver.CreateAsync(2, [1], Ct); // active child
        var target = _scratch.Sub("rootfs");

        await Mounts.ApplyAsync(_driver.Mounts(2, SnapshotKind.Active, [1]), target, Ct);
        try
        {
            Assert.Equal("from base", File.ReadAllText(Path.Combine(target, "a.txt")));
            File.WriteAllText(Path.Combine(target, "b.txt"), "from child");
            File.WriteAllText(Path.Combine(target, "a.txt"), "changed in child");
            File.Delete(Path.Combine(target, "gone.txt"));
            Assert.False(File.Exists(Path.Combine(target, "gone.txt")));
        }
        finally
        {
            Mounts.Unmount(target);
        }

        var childFiles = _driver.FilesPath(2);
        Assert.Equal("from child", File.ReadAllText(Path.Combine(childFiles, "b.txt")));
        Assert.False(File.Exists(Path.Combine(baseFiles, "b.txt")));
        Assert.Equal("changed in child", File.ReadAllText(Path.Combine(childFiles, "a.txt"))); // copied up
        Assert.Equal("from base", File.ReadAllText(Path.Combine(baseFiles, "a.txt")));
        var whiteout = LinuxCalls.LStat(Path.Combine(childFiles, "gone.txt")); // overlay's whiteout: a 0/0 char device
        Assert.Equal((LinuxCalls.CharDevice, 0u, 0u), (whiteout.Type, whiteout.RdevMajor, whiteout.RdevMinor));
        Assert.Equal("deleted in the child", File.ReadAllText(Path.Combine(baseFiles, "gone.txt")));

        // After real use the work dir holds overlay's mode-000 work/work; remove still takes everything.
        await _driver.RemoveAsync(2, Ct);
        Assert.False(Directory.Exists(Path.Combine(_driver.Root, "2")));
        Assert.True(File.Exists(Path.Combine(baseFiles, "a.txt")));
    }

    [Fact]
    public async Task An_active_snapshot_without_parents_binds_its_own_fs_read_write()
    {
        Need.Overlay(_driver.Root);
        await _driver.CreateAsync(1, [], Ct);
        var target = _scratch.Sub("rootfs");

        await Mounts.ApplyAsync(_driver.Mounts(1, SnapshotKind.Active, []), target, Ct);
        try
        {
            File.WriteAllText(Path.Combine(target, "new.txt"), "written");
        }
        finally
        {
            Mounts.Unmount(target);
        }

        Assert.Equal("written", File.ReadAllText(Path.Combine(_driver.FilesPath(1), "new.txt")));
    }

    [Fact]
    public async Task A_view_of_one_parent_is_read_only()
    {
        Need.Overlay(_driver.Root);
        await _driver.CreateAsync(1, [], Ct);
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "a.txt"), "from base");
        await _driver.CreateAsync(2, [1], Ct);
        var target = _scratch.Sub("view");

        await Mounts.ApplyAsync(_driver.Mounts(2, SnapshotKind.View, [1]), target, Ct);
        try
        {
            Assert.Equal("from base", File.ReadAllText(Path.Combine(target, "a.txt")));
            var refused = Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(target, "b.txt"), "no"));
            Assert.Contains("Read-only file system", refused.Message);
            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(target, "a.txt"), "no"));
        }
        finally
        {
            Mounts.Unmount(target);
        }

        Assert.Equal(["a.txt"], Directory.GetFileSystemEntries(_driver.FilesPath(1)).Select(Path.GetFileName));
        Assert.Equal("from base", File.ReadAllText(Path.Combine(_driver.FilesPath(1), "a.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(_driver.FilesPath(2)));
    }

    [Fact]
    public async Task A_view_of_two_parents_shows_both_layers_with_the_nearest_winning_and_is_read_only()
    {
        Need.Overlay(_driver.Root);
        await _driver.CreateAsync(1, [], Ct); // far
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "shared.txt"), "far");
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "far-only.txt"), "far only");
        await _driver.CreateAsync(2, [1], Ct); // near, committed on top of far
        File.WriteAllText(Path.Combine(_driver.FilesPath(2), "shared.txt"), "near");
        File.WriteAllText(Path.Combine(_driver.FilesPath(2), "near-only.txt"), "near only");
        await _driver.CreateAsync(3, [2, 1], Ct);
        var target = _scratch.Sub("view");

        await Mounts.ApplyAsync(_driver.Mounts(3, SnapshotKind.View, [2, 1]), target, Ct);
        try
        {
            Assert.Equal(["far-only.txt", "near-only.txt", "shared.txt"],
                Directory.GetFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal("near", File.ReadAllText(Path.Combine(target, "shared.txt")));
            Assert.Equal("far only", File.ReadAllText(Path.Combine(target, "far-only.txt")));
            Assert.Equal("near only", File.ReadAllText(Path.Combine(target, "near-only.txt")));
            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(target, "x.txt"), "no"));
        }
        finally
        {
            Mounts.Unmount(target);
        }
    }

    [Fact]
    public void IsSupported_is_true_here_as_root_and_leaves_nothing_behind()
    {
        Need.Root();
        var root = Path.Combine(_scratch.Path, "fresh", "overlayfs");

        Assert.True(OverlayDriver.IsSupported(root), OverlayDriver.WhyNotSupported(root));

        Assert.Empty(Directory.GetFileSystemEntries(root));
        Assert.Empty(Mounts.Under(_scratch.Path));
    }

    [Fact]
    public async Task IsSupported_is_false_where_overlay_cannot_be_an_upper_dir_such_as_inside_an_overlay()
    {
        Need.Overlay(_driver.Root);
        await _driver.CreateAsync(1, [], Ct);
        await _driver.CreateAsync(2, [1], Ct);
        var target = _scratch.Sub("rootfs");

        await Mounts.ApplyAsync(_driver.Mounts(2, SnapshotKind.Active, [1]), target, Ct);
        try
        {
            var inside = Path.Combine(target, "var", "lib", "overlayfs");
            Assert.False(OverlayDriver.IsSupported(inside));
            Assert.Contains("refused", OverlayDriver.WhyNotSupported(inside));
            Assert.Equal([target], Mounts.Under(target)); // the probe's own mount is gone
            Assert.Empty(Directory.GetFileSystemEntries(inside)); // and so is its folder
        }
        finally
        {
            Mounts.Unmount(target);
        }
    }
}
