using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// Imports by a broker user other than the services, privileged in no namespace: archive device nodes are refused
/// (the very archive the services' own user may import), FIFOs and setuid bits are kept, and the overlay whiteouts the
/// service itself makes (0/0 character devices) still work.
/// </summary>
public sealed class When_an_unprivileged_user_imports_an_archive(UnprivilegedFixture fixture) : IClassFixture<UnprivilegedFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay, "char")]
    [InlineData(Sn.Native, "char")]
    [InlineData(Sn.Overlay, "block")]
    [InlineData(Sn.Native, "block")]
    public async Task A_device_node_is_refused_and_leaves_nothing_though_a_privileged_caller_may_import_it(string sn, string kind)
    {
        var ns = Unique.Namespace("devices");
        var client = await fixture.UserInAsync(ns);
        var tar = new HostileTar().File("etc/hostname", "box\n");
        var bytes = (kind == "char" ? tar.CharDevice("dev/mem", 1, 1) : tar.BlockDevice("dev/sda", 8, 0)).Tar();
        var folders = new SnapshotFolders(fixture, sn);

        var e = await Expect.ErrorAsync(ErrorKind.PermissionDenied, () =>
            client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.Contains("device", e.Message);
        Assert.False(await fixture.Client.SnapshotExistsAsync(ns, sn, "layer"));
        folders.AssertUnchanged();
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(fixture.DataRoot, "imports")));

        await fixture.Client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct);
        var node = HostStat.Of(Path.Combine(folders.NewFs(), kind == "char" ? "dev/mem" : "dev/sda"));
        Assert.Equal(kind == "char" ? (HostStat.CharDevice, 1u, 1u) : (HostStat.BlockDevice, 8u, 0u), (node.Type, node.RdevMajor, node.RdevMinor));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task A_fifo_is_made(string sn)
    {
        var ns = Unique.Namespace("fifo");
        var client = await fixture.UserInAsync(ns);
        var folders = new SnapshotFolders(fixture, sn);

        await client.Snapshots.ImportAsync(new MemoryStream(new HostileTar().Fifo("run/initctl").Tar()), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        Assert.Equal(HostStat.Fifo, HostStat.Of(Path.Combine(folders.NewFs(), "run/initctl")).Type);
    }

    /// <summary>
    /// The decision the README's security notes explain: setuid and setgid bits are kept for every caller (docker and
    /// containerd keep them; an image's chain snapshot is shared, so its files can't depend on who unpacked it first).
    /// What makes that safe on the host is that no host user can reach a snapshot's files: the snapshotter's root is 0700.
    /// </summary>
    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Setuid_and_setgid_bits_are_kept_behind_a_snapshot_root_only_root_can_enter(string sn)
    {
        var ns = Unique.Namespace("setuid");
        var client = await fixture.UserInAsync(ns);
        var folders = new SnapshotFolders(fixture, sn);
        var archive = new HostileTar()
            .File("bin/su", "#!/bin/sh\n", (UnixFileMode)0b100_111_101_101, uid: 0, gid: 0)
            .File("usr/bin/wall", "#!/bin/sh\n", (UnixFileMode)0b010_111_101_101, uid: 0, gid: 5);

        await client.Snapshots.ImportAsync(new MemoryStream(archive.Tar()), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        var fs = folders.NewFs();
        var su = HostStat.Of(Path.Combine(fs, "bin/su"));
        var wall = HostStat.Of(Path.Combine(fs, "usr/bin/wall"));
        Assert.Equal((0b100_111_101_101u, 0u), (su.Mode, su.Uid));
        Assert.Equal((0b010_111_101_101u, 5u), (wall.Mode, wall.Gid));
        Assert.Equal(0b111_000_000u, HostStat.Of(folders.Root).Mode);
    }

    [Fact]
    public async Task The_overlay_whiteouts_the_service_makes_itself_still_work()
    {
        var ns = Unique.Namespace("whiteouts");
        var client = await fixture.UserInAsync(ns);
        await client.Snapshots.ImportAsync(new MemoryStream(new HostileTar().File("gone", "base").Tar()), "base", snapshotter: Sn.Overlay, @namespace: ns, cancellationToken: Ct);
        var folders = new SnapshotFolders(fixture, Sn.Overlay);

        await client.Snapshots.ImportAsync(new MemoryStream(new HostileTar().File(".wh.gone", "").Tar()), "layer", parent: "base",
            snapshotter: Sn.Overlay, @namespace: ns, cancellationToken: Ct);

        var whiteout = HostStat.Of(Path.Combine(folders.NewFs(), "gone"));
        Assert.Equal((HostStat.CharDevice, 0u, 0u), (whiteout.Type, whiteout.RdevMajor, whiteout.RdevMinor));
    }
}
