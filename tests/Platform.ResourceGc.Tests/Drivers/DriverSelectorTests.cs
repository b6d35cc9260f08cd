using System.Runtime.Versioning;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Xunit;

namespace Platform.ResourceGc.Tests.Drivers;

[SupportedOSPlatform("linux")]
public sealed class DriverSelectorTests : IDisposable
{
    private readonly Scratch _scratch = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Create_maps_each_name_to_its_driver_under_the_data_root()
    {
        var overlay = DriverSelector.Create("overlayfs", _scratch.Path);
        var native = DriverSelector.Create("native", _scratch.Path + "/");

        Assert.IsType<OverlayDriver>(overlay);
        Assert.Equal(("overlayfs", $"{_scratch.Path}/snapshots/overlayfs"), (overlay.Name, overlay.Root));
        Assert.IsType<NativeDriver>(native);
        Assert.Equal(("native", $"{_scratch.Path}/snapshots/native"), (native.Name, native.Root));
        Assert.False(Directory.Exists(Path.Combine(_scratch.Path, "snapshots"))); // nothing on disk until a snapshot is made
    }

    [Theory]
    [InlineData("btrfs")]
    [InlineData("OverlayFS")]
    [InlineData("")]
    public void Create_refuses_an_unknown_name_listing_the_known_ones(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DriverSelector.Create(name, _scratch.Path));
        Assert.Contains($"\"{name}\"", error.Message);
        Assert.Contains("overlayfs, native", error.Message);
    }

    [Fact]
    public void DefaultName_is_overlayfs_where_overlay_mounts()
    {
        Need.Overlay(_scratch.Path);

        Assert.Equal("overlayfs", DriverSelector.DefaultName(_scratch.Path));

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_scratch.Path, "snapshots", "overlayfs"))); // probe cleaned up
    }

    [Fact]
    public async Task DefaultName_is_native_where_overlay_cannot_work()
    {
        Need.Overlay(_scratch.Path);
        // A data root inside a running container's overlay rootfs: overlay cannot use overlay as its upper dir.
        var driver = new OverlayDriver(_scratch.Sub("layers"));
        await driver.CreateAsync(1, [], Ct);
        await driver.CreateAsync(2, [1], Ct);
        var rootfs = _scratch.Sub("rootfs");

        await Mounts.ApplyAsync(driver.Mounts(2, SnapshotKind.Active, [1]), rootfs, Ct);
        try
        {
            var dataRoot = Path.Combine(rootfs, "var", "lib", "platform");
            Assert.Equal("native", DriverSelector.DefaultName(dataRoot));
            var native = DriverSelector.Create("native", dataRoot);
            await native.CreateAsync(1, [], Ct); // and native does work there
            Assert.True(native.Exists(1));
        }
        finally
        {
            Mounts.Unmount(rootfs);
        }
    }
}
