using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>A service configured with a small <c>ResourceGc:MaxUnpackedBytes</c> (1 MiB).</summary>
public sealed class SmallArchivesFixture : PlatformFixture
{
    public const long Limit = 1024 * 1024;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:MaxUnpackedBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// <c>ResourceGc:MaxUnpackedBytes</c> counts what the file entries of one archive declare, added up: past it the import
/// stops with ResourceExhausted and leaves nothing; up to it, it is an ordinary import.
/// </summary>
public sealed class When_an_archive_outgrows_its_limits(SmallArchivesFixture fixture) : IClassFixture<SmallArchivesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay, false)]
    [InlineData(Sn.Native, true)]
    public async Task Files_that_add_up_past_the_limit_stop_the_import_and_leave_nothing(string sn, bool gzip)
    {
        var ns = Unique.Namespace("limit");
        var half = new byte[SmallArchivesFixture.Limit / 2 + 1];
        var tar = new HostileTar().File("a", half).File("b", half);
        var folders = new SnapshotFolders(fixture, sn);

        var e = await Expect.ErrorAsync(ErrorKind.ResourceExhausted, () =>
            fixture.Client.Snapshots.ImportAsync(new MemoryStream(gzip ? tar.TarGz() : tar.Tar()), "layer", snapshotter: sn, @namespace: ns, cancellationToken: Ct));

        Assert.Contains("MaxUnpackedBytes", e.Message);
        Assert.False(await fixture.Client.SnapshotExistsAsync(ns, sn, "layer"));
        folders.AssertUnchanged();
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(fixture.DataRoot, "imports")));
    }

    [Fact]
    public async Task Files_that_add_up_to_the_limit_are_imported()
    {
        var ns = Unique.Namespace("limit");
        var half = new byte[SmallArchivesFixture.Limit / 2];
        var folders = new SnapshotFolders(fixture, Sn.Overlay);

        await fixture.Client.Snapshots.ImportAsync(new MemoryStream(new HostileTar().File("a", half).File("b", half).Tar()), "layer",
            snapshotter: Sn.Overlay, @namespace: ns, cancellationToken: Ct);

        Assert.Equal(SmallArchivesFixture.Limit, Directory.GetFiles(folders.NewFs()).Sum(f => new FileInfo(f).Length));
    }
}
