using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// The catalogue of <see cref="HostileArchives"/>, each imported through the real bus onto both snapshotters by the
/// services' own user: refused with its kind and leaving nothing, or accepted with everything inside the snapshot; and
/// in every case the host canary it aims at is exactly as it was.
/// </summary>
public sealed class When_a_hostile_archive_is_imported(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var archive in HostileArchives.All)
            foreach (var sn in new[] { Sn.Overlay, Sn.Native })
                data.Add(archive.Name, sn);
        return data;
    }

    [Fact]
    public void The_catalogue_holds_at_least_twenty_distinct_archives() =>
        Assert.True(HostileArchives.All.Select(a => a.Name).Distinct().Count() >= 20);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task It_is_refused_or_kept_inside_its_snapshot_and_the_host_is_untouched(string name, string sn)
    {
        var client = fixture.Client;
        var archive = HostileArchives.Named(name);
        var ns = Unique.Namespace("hostile");
        using var canary = new HostCanary();
        if (archive.Layered)
            await client.Snapshots.ImportAsync(new MemoryStream(HostileArchives.Base(canary).Tar()), "base", snapshotter: sn, @namespace: ns, cancellationToken: Ct);
        var folders = new SnapshotFolders(fixture, sn);
        var tar = archive.Build(canary);
        var bytes = archive.Gzip ? tar.TarGz() : tar.Tar();
        var import = () => client.Snapshots.ImportAsync(new MemoryStream(bytes), "layer", parent: archive.Layered ? "base" : null,
            snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        if (archive.Outcome(sn) is { } kind)
        {
            await Expect.ErrorAsync(kind, import);
            Assert.False(await client.SnapshotExistsAsync(ns, sn, "layer"));
            folders.AssertUnchanged();
        }
        else
        {
            await import();
            var fs = folders.NewFs();
            archive.Check?.Invoke(new Contained(fs, canary, sn));
            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(fs, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }),
                e => Path.GetFileName(e).StartsWith(".wh.", StringComparison.Ordinal));
        }
        canary.AssertUntouched();
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(fixture.DataRoot, "imports")));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task A_tree_nested_a_thousand_deep_is_kept_and_can_be_removed_again(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("deep");
        var folders = new SnapshotFolders(fixture, sn);
        var deep = string.Concat(Enumerable.Repeat("d/", 1000));

        await client.Snapshots.ImportAsync(new MemoryStream(new HostileTar().File(deep + "leaf", "bottom").Tar()), "deep", snapshotter: sn, @namespace: ns, cancellationToken: Ct);

        var fs = folders.NewFs();
        Assert.Equal("bottom", await File.ReadAllTextAsync(Path.Combine(fs, deep, "leaf"), Ct));
        await client.Snapshots.RemoveAsync("deep", sn, ns, Ct);
        Assert.False(Directory.Exists(Path.GetDirectoryName(fs)));
        folders.AssertUnchanged();
    }
}
