using Platform.Contracts.Resources;
using Platform.ResourceGc.Tests.Drivers;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// The mounts the service hands out, applied for real with /bin/mount the way a runtime would: a child sees its
/// parents' files and its writes land in its own folder only.
/// </summary>
public sealed class When_a_runtime_mounts_a_prepared_snapshot(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_stack_overlay_parents_and_write_only_into_the_childs_folder()
    {
        var client = fixture.Client;
        Need.Overlay(Folders.Root(fixture, Sn.Overlay));
        var ns = Unique.Namespace("ovl");
        var baseFolder = await client.CommittedAsync(ns, Sn.Overlay, "base", files: new Dictionary<string, string> { ["etc/os-release"] = "base", ["shared"] = "from base" });
        var midFolder = await client.CommittedAsync(ns, Sn.Overlay, "mid", parent: "base", files: new Dictionary<string, string> { ["mid.txt"] = "mid", ["shared"] = "from mid" });
        var top = await client.PrepareAsync(ns, Sn.Overlay, "top", parent: "mid");
        var topFolder = Folders.Of(top);
        var mount = Assert.Single(top.Mounts);
        Assert.Equal("overlay", mount.Type);
        Assert.Contains($"lowerdir={Folders.Fs(midFolder)}:{Folders.Fs(baseFolder)}", mount.Options);

        using var scratch = new Scratch();
        var target = scratch.Sub("rootfs");
        await Mounts.ApplyAsync(top.Mounts, target, Ct);
        try
        {
            Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(target, "etc", "os-release"), Ct));
            Assert.Equal("mid", await File.ReadAllTextAsync(Path.Combine(target, "mid.txt"), Ct));
            Assert.Equal("from mid", await File.ReadAllTextAsync(Path.Combine(target, "shared"), Ct)); // nearest parent first

            await File.WriteAllTextAsync(Path.Combine(target, "new.txt"), "top", Ct);
            await File.WriteAllTextAsync(Path.Combine(target, "etc", "os-release"), "changed", Ct);

            Assert.Equal("top", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(topFolder), "new.txt"), Ct));
            Assert.Equal("changed", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(topFolder), "etc", "os-release"), Ct));
        }
        finally
        {
            Mounts.Unmount(target);
        }
        Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(baseFolder), "etc", "os-release"), Ct));
        Assert.False(File.Exists(Path.Combine(Folders.Fs(baseFolder), "new.txt")));
        Assert.False(File.Exists(Path.Combine(Folders.Fs(midFolder), "new.txt")));
        Assert.Equal((10, 3), await UsageAsync(ns, Sn.Overlay, "top")); // new.txt, etc, etc/os-release
    }

    [Fact]
    public async Task Should_mount_an_overlay_view_of_several_parents_read_only()
    {
        var client = fixture.Client;
        Need.Overlay(Folders.Root(fixture, Sn.Overlay));
        var ns = Unique.Namespace("ovlview");
        await client.CommittedAsync(ns, Sn.Overlay, "base", files: new Dictionary<string, string> { ["a"] = "a" });
        await client.CommittedAsync(ns, Sn.Overlay, "mid", parent: "base", files: new Dictionary<string, string> { ["b"] = "b" });
        var view = await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = Sn.Overlay, Key = "look", Parent = "mid" }, Ct);

        using var scratch = new Scratch();
        var target = scratch.Sub("view");
        await Mounts.ApplyAsync(view.Mounts, target, Ct);
        try
        {
            Assert.Equal("a", await File.ReadAllTextAsync(Path.Combine(target, "a"), Ct));
            Assert.Equal("b", await File.ReadAllTextAsync(Path.Combine(target, "b"), Ct));
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(target, "c"), "c"));
        }
        finally
        {
            Mounts.Unmount(target);
        }
    }

    [Fact]
    public async Task Should_bind_a_native_copy_of_the_parent_and_write_only_into_the_childs_folder()
    {
        var client = fixture.Client;
        Need.Root();
        var ns = Unique.Namespace("nat");
        var baseFolder = await client.CommittedAsync(ns, Sn.Native, "base", files: new Dictionary<string, string> { ["etc/os-release"] = "base" });
        var child = await client.PrepareAsync(ns, Sn.Native, "rw", parent: "base");
        var childFolder = Folders.Of(child);

        using var scratch = new Scratch();
        var target = scratch.Sub("rootfs");
        await Mounts.ApplyAsync(child.Mounts, target, Ct);
        try
        {
            Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(target, "etc", "os-release"), Ct));
            await File.WriteAllTextAsync(Path.Combine(target, "new.txt"), "child", Ct);
            await File.WriteAllTextAsync(Path.Combine(target, "etc", "os-release"), "changed", Ct);
            Assert.Equal("child", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(childFolder), "new.txt"), Ct));
        }
        finally
        {
            Mounts.Unmount(target);
        }
        Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(Folders.Fs(baseFolder), "etc", "os-release"), Ct));
        Assert.False(File.Exists(Path.Combine(Folders.Fs(baseFolder), "new.txt")));
    }

    private async Task<(long, long)> UsageAsync(string ns, string sn, string key)
    {
        var usage = await fixture.Client.Snapshots.UsageAsync(key, sn, ns, Ct);
        return (usage.Size, usage.Inodes);
    }
}
