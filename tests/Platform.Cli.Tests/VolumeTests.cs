using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>volumes create|ls|inspect|rm|prune</c> and <c>run -v NAME:/path</c> against the real services: data that outlives
/// containers, removal refused while a container uses a volume, and a collector that never takes one.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_manages_volumes(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private static async Task<JsonElement> InspectAsync(PlatformCtl ctl, string name) =>
        JsonDocument.Parse((await OkAsync(ctl, "volumes", "inspect", name, "-o", "json")).Stdout).RootElement.Clone();

    private static async Task<string[]> NamesAsync(PlatformCtl ctl, params string[] filters) =>
        [.. JsonDocument.Parse((await OkAsync(ctl, ["volumes", "ls", "-o", "json", .. filters.SelectMany(f => new[] { "--filter", f })])).Stdout)
            .RootElement.EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];

    [Fact]
    public async Task Create_inspect_ls_and_rm_keep_a_private_folder_under_the_data_root()
    {
        var ctl = PlatformCtl.For(fixture);

        await OkAsync(ctl, "volumes", "create", "data", "--label", "owner=ci");
        var volume = await InspectAsync(ctl, "data");

        var mountpoint = volume.GetProperty("mountpoint").GetString()!;
        Assert.Equal(Path.Combine(Path.GetFullPath(fixture.DataRoot), "volumes", ctl.Namespace, "data", "_data"), mountpoint);
        Assert.True(Directory.Exists(mountpoint));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(mountpoint)!));
        Assert.Equal("ci", volume.GetProperty("labels").GetProperty("owner").GetString());
        Assert.Equal(0, volume.GetProperty("usedBy").GetArrayLength());
        Assert.Equal(["data"], await NamesAsync(ctl));
        Assert.Equal(ExitCodes.AlreadyExists, (await ctl.RunAsync("volumes", "create", "data")).ExitCode);

        await OkAsync(ctl, "volumes", "rm", "data");

        Assert.False(Directory.Exists(mountpoint));
        Assert.Equal(ExitCodes.NotFound, (await ctl.RunAsync("volumes", "inspect", "data")).ExitCode);
        Assert.Empty(await NamesAsync(ctl));
    }

    [Theory]
    [InlineData("-bad")]
    [InlineData("a..b")]
    [InlineData("a/b")]
    public async Task A_name_breaking_the_identifier_rules_is_refused_naming_the_field(string name)
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("volumes", "create", name);

        Assert.True(result.ExitCode == ExitCodes.InvalidArgument, result.ToString());
        Assert.Contains("volume name", result.Stderr);
    }

    [Fact]
    public async Task Ls_and_prune_filter_by_label()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "volumes", "create", "keep", "--label", "tier=gold");
        await OkAsync(ctl, "volumes", "create", "scrap", "--label", "tier=tmp");

        Assert.Equal(["scrap"], await NamesAsync(ctl, "label=tier=tmp"));
        var pruned = await OkAsync(ctl, "volumes", "prune", "--filter", "labels.tier==tmp");

        Assert.Equal("scrap\n", pruned.Stdout);
        Assert.Equal(["keep"], await NamesAsync(ctl));
    }

    [Fact]
    public async Task A_volume_keeps_data_across_containers_and_is_removed_only_once_no_container_uses_it()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var rootfs = BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));
        await OkAsync(ctl, "snapshots", "import", "busybox", "--from", rootfs);

        // Named for the first time: created on use, as docker does. The writer's container stays.
        await OkAsync(ctl, "run", "--snapshot", "busybox", "-v", "data:/data", "writer", "--", "sh", "-c", "echo kept > /data/file");
        var read = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "--mount", "type=volume,source=data,target=/d,readonly", "reader", "--",
            "sh", "-c", "cat /d/file; if touch /d/x 2>/dev/null; then echo wrote; else echo refused; fi");
        Assert.Equal("kept\nrefused\n", read.Stdout);
        await OkAsync(ctl, "volumes", "create", "unused");

        await Eventually.TrueAsync(async () => (await InspectAsync(ctl, "data")).GetProperty("usedBy").EnumerateArray().Any(c => c.GetString() == "writer"), Ct,
            because: "the writer container's ContainerCreated should record its use of the volume");
        var refused = await ctl.RunAsync("volumes", "rm", "data");
        Assert.True(refused.ExitCode == ExitCodes.FailedPrecondition, refused.ToString());
        Assert.Contains("writer", refused.Stderr);

        var pruned = await OkAsync(ctl, "volumes", "prune");
        Assert.Equal("unused\n", pruned.Stdout);
        await OkAsync(ctl, "gc");
        Assert.Equal(["data"], await NamesAsync(ctl));
        Assert.Equal("kept\n", await File.ReadAllTextAsync(Path.Combine((await InspectAsync(ctl, "data")).GetProperty("mountpoint").GetString()!, "file"), Ct));

        await OkAsync(ctl, "containers", "rm", "writer");
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("volumes", "rm", "data")).ExitCode == 0, Ct,
            because: "the volume should be removable once its container is deleted");
        Assert.Empty(await NamesAsync(ctl));
    }

    [Fact]
    public async Task The_collector_never_removes_a_volume_nothing_uses()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "volumes", "create", "orphan");
        var mountpoint = (await InspectAsync(ctl, "orphan")).GetProperty("mountpoint").GetString()!;
        await File.WriteAllTextAsync(Path.Combine(mountpoint, "precious"), "user data", Ct);

        await OkAsync(ctl, "gc");

        Assert.Equal(["orphan"], await NamesAsync(ctl));
        Assert.Equal("user data", await File.ReadAllTextAsync(Path.Combine(mountpoint, "precious"), Ct));
    }

    public void Dispose() => _scratch.Dispose();
}
