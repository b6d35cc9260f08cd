using System.Runtime.Versioning;
using System.Text;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Xunit;

namespace Platform.ResourceGc.Tests.Drivers;

[SupportedOSPlatform("linux")]
public sealed class NativeDriverTests : IDisposable
{
    private const UnixFileMode Rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly Scratch _scratch = new();
    private readonly NativeDriver _driver;

    public NativeDriverTests() => _driver = new NativeDriver(Path.Combine(_scratch.Path, "native"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Mounts_bind_the_snapshots_own_copy()
    {
        var root = _driver.Root;
        Assert.Equal("native", _driver.Name);

        MountAssert.Single(_driver.Mounts(4, SnapshotKind.Active, []), "bind", $"{root}/4/fs", "rbind", "rw");
        MountAssert.Single(_driver.Mounts(4, SnapshotKind.Active, [2, 1]), "bind", $"{root}/4/fs", "rbind", "rw");
        MountAssert.Single(_driver.Mounts(4, SnapshotKind.View, [2]), "bind", $"{root}/4/fs", "rbind", "ro");
        Assert.Throws<InvalidOperationException>(() => _driver.Mounts(4, SnapshotKind.Committed, []));
    }

    [Fact]
    public async Task A_child_copies_its_nearest_parent_and_its_writes_leave_the_parent_unchanged()
    {
        await _driver.CreateAsync(1, [], Ct);
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "a.txt"), "far");
        await _driver.CreateAsync(2, [1], Ct);
        var near = _driver.FilesPath(2);
        File.WriteAllText(Path.Combine(near, "a.txt"), "from base");
        Directory.CreateDirectory(Path.Combine(near, "etc", "app"));
        File.WriteAllBytes(Path.Combine(near, "etc", "app", "big.bin"), Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray());
        Directory.CreateDirectory(Path.Combine(near, "empty"));

        await _driver.CreateAsync(3, [2, 1], Ct);
        var child = _driver.FilesPath(3);

        Assert.Equal("from base", File.ReadAllText(Path.Combine(child, "a.txt"))); // the nearest parent's version
        Assert.Equal(File.ReadAllBytes(Path.Combine(near, "etc", "app", "big.bin")), File.ReadAllBytes(Path.Combine(child, "etc", "app", "big.bin")));
        Assert.True(Directory.Exists(Path.Combine(child, "empty")));
        Assert.False(Directory.Exists(Path.Combine(_driver.Root, "3", "fs.partial")));

        File.WriteAllText(Path.Combine(child, "a.txt"), "changed in child");
        File.WriteAllText(Path.Combine(child, "b.txt"), "new in child");
        File.Delete(Path.Combine(child, "etc", "app", "big.bin"));

        Assert.Equal("from base", File.ReadAllText(Path.Combine(near, "a.txt")));
        Assert.False(File.Exists(Path.Combine(near, "b.txt")));
        Assert.True(File.Exists(Path.Combine(near, "etc", "app", "big.bin")));
    }

    [Fact]
    public async Task The_copy_keeps_symlinks_modes_times_and_xattrs_and_breaks_hard_links()
    {
        await _driver.CreateAsync(1, [], Ct);
        var parent = _driver.FilesPath(1);
        Directory.CreateDirectory(Path.Combine(parent, "bin"));
        File.WriteAllText(Path.Combine(parent, "bin", "tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(parent, "bin", "tool"), Rwx | UnixFileMode.GroupRead | UnixFileMode.OtherExecute | UnixFileMode.SetUser);
        File.CreateSymbolicLink(Path.Combine(parent, "relative"), "bin/tool");
        File.CreateSymbolicLink(Path.Combine(parent, "absolute"), "/etc/hostname");
        File.CreateSymbolicLink(Path.Combine(parent, "dangling"), "nowhere/at/all");
        Directory.CreateSymbolicLink(Path.Combine(parent, "bin-link"), "bin");
        HardLink.Create(Path.Combine(parent, "bin", "tool-again"), Path.Combine(parent, "bin", "tool"));
        Directory.CreateDirectory(Path.Combine(parent, "locked"));
        File.WriteAllText(Path.Combine(parent, "locked", "inside"), "x");
        File.SetUnixFileMode(Path.Combine(parent, "locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute); // 0500
        File.SetUnixFileMode(Path.Combine(parent, "bin"), Rwx | UnixFileMode.StickyBit);
        var written = new DateTime(2020, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(parent, "bin", "tool"), written);
        var xattrs = LinuxCalls.TrySetXattr(Path.Combine(parent, "bin", "tool"), "user.platform", Encoding.UTF8.GetBytes("kept"));

        await _driver.CreateAsync(2, [1], Ct);
        var child = _driver.FilesPath(2);

        Assert.Equal("bin/tool", new FileInfo(Path.Combine(child, "relative")).LinkTarget);
        Assert.Equal("/etc/hostname", new FileInfo(Path.Combine(child, "absolute")).LinkTarget);
        Assert.Equal("nowhere/at/all", new FileInfo(Path.Combine(child, "dangling")).LinkTarget);
        Assert.Equal("bin", new DirectoryInfo(Path.Combine(child, "bin-link")).LinkTarget);
        Assert.True(LinuxCalls.LStat(Path.Combine(child, "bin-link")).IsSymlink);
        Assert.Equal(Rwx | UnixFileMode.GroupRead | UnixFileMode.OtherExecute | UnixFileMode.SetUser, File.GetUnixFileMode(Path.Combine(child, "bin", "tool")));
        Assert.Equal(Rwx | UnixFileMode.StickyBit, File.GetUnixFileMode(Path.Combine(child, "bin")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(child, "locked")));
        Assert.Equal("x", File.ReadAllText(Path.Combine(child, "locked", "inside")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(child, "bin", "tool")));
        if (xattrs)
            Assert.Equal("kept", Encoding.UTF8.GetString(LinuxCalls.ListXattrs(Path.Combine(child, "bin", "tool")).Single(x => x.Name == "user.platform").Value));

        // Hard links in the parent become two independent files in the copy.
        var tool = LinuxCalls.LStat(Path.Combine(child, "bin", "tool"));
        var again = LinuxCalls.LStat(Path.Combine(child, "bin", "tool-again"));
        Assert.NotEqual(tool.Inode, again.Inode);
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(child, "bin", "tool-again")));
    }

    [Fact]
    public async Task The_copy_keeps_owners_and_fifos_as_root()
    {
        Need.Root();
        await _driver.CreateAsync(1, [], Ct);
        var parent = _driver.FilesPath(1);
        File.WriteAllText(Path.Combine(parent, "owned"), "x");
        LinuxCalls.LChown(Path.Combine(parent, "owned"), 1000, 1001);
        File.SetUnixFileMode(Path.Combine(parent, "owned"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.GroupRead);
        Directory.CreateDirectory(Path.Combine(parent, "home"));
        LinuxCalls.LChown(Path.Combine(parent, "home"), 2000, 2001);
        File.CreateSymbolicLink(Path.Combine(parent, "link"), "owned");
        LinuxCalls.LChown(Path.Combine(parent, "link"), 3000, 3001);
        Assert.True(LinuxCalls.TryMakeNode(Path.Combine(parent, "pipe"), LinuxCalls.Fifo | Convert.ToUInt32("640", 8), 0, 0));

        await _driver.CreateAsync(2, [1], Ct);
        var child = _driver.FilesPath(2);

        var owned = LinuxCalls.LStat(Path.Combine(child, "owned"));
        Assert.Equal((1000u, 1001u), (owned.Uid, owned.Gid));
        // chown clears setuid/setgid; the copy sets the mode after the owner so both survive.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.GroupRead, owned.Permissions);
        var home = LinuxCalls.LStat(Path.Combine(child, "home"));
        Assert.Equal((2000u, 2001u), (home.Uid, home.Gid));
        var link = LinuxCalls.LStat(Path.Combine(child, "link"));
        Assert.Equal((true, 3000u, 3001u), (link.IsSymlink, link.Uid, link.Gid));
        var pipe = LinuxCalls.LStat(Path.Combine(child, "pipe"));
        Assert.Equal((LinuxCalls.Fifo, (UnixFileMode)Convert.ToInt32("640", 8)), (pipe.Type, pipe.Permissions));
    }

    [Fact]
    public async Task Create_is_idempotent_a_finished_copy_is_kept_and_a_partial_one_redone()
    {
        await _driver.CreateAsync(1, [], Ct);
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "a.txt"), "base");

        // A crash in the middle of a copy leaves fs.partial and no fs.
        var partial = Path.Combine(_driver.Root, "2", "fs.partial");
        Directory.CreateDirectory(Path.Combine(partial, "half"));
        File.WriteAllText(Path.Combine(partial, "half", "junk"), "junk");
        await _driver.CreateAsync(2, [1], Ct);
        Assert.Equal(["a.txt"], Directory.GetFileSystemEntries(_driver.FilesPath(2)).Select(Path.GetFileName));
        Assert.False(Directory.Exists(partial));

        // A second create after it finished (a retried request) leaves what the snapshot already holds.
        File.WriteAllText(Path.Combine(_driver.FilesPath(2), "mine.txt"), "mine");
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "later.txt"), "later");
        await _driver.CreateAsync(2, [1], Ct);
        Assert.Equal(["a.txt", "mine.txt"], Directory.GetFileSystemEntries(_driver.FilesPath(2)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Create_with_a_missing_parent_fails_naming_it()
    {
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _driver.CreateAsync(2, [7], Ct));
        Assert.Contains("7", error.Message);
        Assert.False(_driver.Exists(2)); // no folder without a finished create behind it
    }

    [Fact]
    public async Task Applied_mounts_write_into_the_copy_when_active_and_refuse_writes_as_a_view()
    {
        Need.Root();
        await _driver.CreateAsync(1, [], Ct);
        File.WriteAllText(Path.Combine(_driver.FilesPath(1), "a.txt"), "base");
        await _driver.CreateAsync(2, [1], Ct);
        await _driver.CreateAsync(3, [1], Ct);
        var active = _scratch.Sub("active");
        var view = _scratch.Sub("view");

        await Mounts.ApplyAsync(_driver.Mounts(2, SnapshotKind.Active, [1]), active, Ct);
        try
        {
            await Mounts.ApplyAsync(_driver.Mounts(3, SnapshotKind.View, [1]), view, Ct);
            try
            {
                File.WriteAllText(Path.Combine(active, "b.txt"), "active");
                Assert.Equal("base", File.ReadAllText(Path.Combine(view, "a.txt")));
                Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(view, "b.txt"), "no"));
            }
            finally
            {
                Mounts.Unmount(view);
            }
        }
        finally
        {
            Mounts.Unmount(active);
        }

        Assert.Equal("active", File.ReadAllText(Path.Combine(_driver.FilesPath(2), "b.txt")));
        Assert.False(File.Exists(Path.Combine(_driver.FilesPath(1), "b.txt")));
        Assert.False(File.Exists(Path.Combine(_driver.FilesPath(3), "b.txt")));
    }
}
