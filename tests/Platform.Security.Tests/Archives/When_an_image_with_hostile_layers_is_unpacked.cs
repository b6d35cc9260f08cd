using Platform.Client.Images;
using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// Image unpack goes through the same unpacker as imports, with the caller's privilege: loaded through the real bus
/// (<see cref="ImageLoader"/>, as <c>images load</c> does), hostile layers stay inside their chain snapshots.
/// </summary>
public sealed class When_an_image_with_hostile_layers_is_unpacked(UnprivilegedFixture fixture) : IClassFixture<UnprivilegedFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task A_folder_mode_is_not_applied_through_the_symlink_a_later_layer_entry_put_in_its_place(string sn)
    {
        using var canary = new HostCanary();
        using var scratch = new ScratchFile();
        var ns = Unique.Namespace("image-mode");
        var lower = new HostileTar().Directory("d/").File("d/old", "old").Tar();
        var upper = new HostileTar().Directory("d/", (UnixFileMode)0b111_111_111).File(".wh.d", "").Symlink("d", canary.Folder).Tar();
        var folders = new SnapshotFolders(fixture, sn);

        var loaded = await new ImageLoader(fixture.Client).LoadAsync(Archive(scratch.Path, lower, upper),
            new ImageLoadOptions { Namespace = ns, Snapshotter = sn }, null, Ct);

        Assert.Equal(2, Assert.Single(loaded).Unpacked!.Unpacked);
        var made = folders.NewFsList();
        Assert.Equal(2, made.Count);
        // The lower chain keeps its folder; the upper has the symlink, and the mode went nowhere.
        Assert.Single(made, fs => HostStat.OfOrNull(Path.Combine(fs, "d")) is { Type: HostStat.Directory });
        Assert.Single(made, fs => new FileInfo(Path.Combine(fs, "d")).LinkTarget == canary.Folder);
        canary.AssertUntouched();
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task A_layer_with_a_device_node_is_refused_for_an_unprivileged_user_and_unpacked_for_a_privileged_one(string sn)
    {
        using var scratch = new ScratchFile();
        var ns = Unique.Namespace("image-dev");
        var layer = new HostileTar().File("etc/hostname", "box\n").CharDevice("dev/kmsg", 1, 11).Tar();
        var archive = Archive(scratch.Path, layer);
        var folders = new SnapshotFolders(fixture, sn);

        var user = await fixture.UserInAsync(ns);
        await Expect.ErrorAsync(ErrorKind.PermissionDenied, () =>
            new ImageLoader(user).LoadAsync(archive, new ImageLoadOptions { Namespace = ns, Snapshotter = sn }, null, Ct));

        var chain = OciImages.DigestOf(layer); // a one-layer chain is named by the layer's diff id
        Assert.False(await fixture.Client.SnapshotExistsAsync(ns, sn, chain));
        folders.AssertUnchanged();

        await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ns, Snapshotter = sn }, null, Ct);
        Assert.True(await fixture.Client.SnapshotExistsAsync(ns, sn, chain));
        var node = HostStat.Of(Path.Combine(folders.NewFs(), "dev/kmsg"));
        Assert.Equal((HostStat.CharDevice, 1u, 11u), (node.Type, node.RdevMajor, node.RdevMinor));
    }

    private static string Archive(string path, params byte[][] layers)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(layers);
        builder.Name(image.Descriptor, $"docker.io/library/hostile:{Guid.NewGuid():N}");
        return builder.WriteTar(path);
    }

    private sealed class ScratchFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"platform-hostile-{Guid.NewGuid():N}.tar");

        public void Dispose() => File.Delete(Path);
    }
}
