using System.Globalization;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Archives;

internal static class Sn
{
    public const string Overlay = "overlayfs";
    public const string Native = "native";
}

internal static class Unique
{
    /// <summary>A namespace no other test uses.</summary>
    public static string Namespace(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

internal static class Expect
{
    public static async Task<bool> SnapshotExistsAsync(this Platform.Client.PlatformClient client, string ns, string snapshotter, string key)
    {
        try
        {
            await client.Snapshots.StatAsync(key, snapshotter, ns, TestContext.Current.CancellationToken);
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    public static async Task<PlatformException> ErrorAsync(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }
}

/// <summary>
/// The snapshot folders of a fixture as they are on disk (<c>{DataRoot}/snapshots/{snapshotter}/{id}/fs</c>), and what
/// sits beside them: a refused archive must leave exactly what was there, and an accepted one one new folder.
/// </summary>
internal sealed class SnapshotFolders(PlatformFixture fixture, string snapshotter)
{
    private readonly List<string> _before = Entries(fixture, snapshotter);

    public string Root => Path.Combine(fixture.DataRoot, "snapshots", snapshotter);

    /// <summary>The <c>fs</c> of the one snapshot folder made since this was created.</summary>
    public string NewFs()
    {
        var made = Assert.Single(Entries(fixture, snapshotter).Except(_before));
        Assert.True(long.TryParse(made, NumberStyles.None, CultureInfo.InvariantCulture, out _), $"{made} beside the snapshot folders");
        return Path.Combine(Root, made, "fs");
    }

    /// <summary>The <c>fs</c> of every snapshot folder made since this was created.</summary>
    public List<string> NewFsList() => Entries(fixture, snapshotter).Except(_before).Select(made => Path.Combine(Root, made, "fs")).ToList();

    /// <summary>Nothing was made or left beside the snapshot folders, nor beside the snapshotters' folders.</summary>
    public void AssertUnchanged() => Assert.Equal(_before, Entries(fixture, snapshotter));

    /// <summary>Every name under <c>snapshots/</c> two levels deep: the snapshotters, and their folders (and anything planted there).</summary>
    private static List<string> Entries(PlatformFixture fixture, string snapshotter)
    {
        var snapshots = Path.Combine(fixture.DataRoot, "snapshots");
        if (!Directory.Exists(snapshots))
            return [];
        // The snapshotter's own folder may be made by the first import into it, even a refused one.
        var names = Directory.GetFileSystemEntries(snapshots).Select(p => "../" + Path.GetFileName(p)).Where(n => n != "../" + snapshotter).ToList();
        var root = Path.Combine(snapshots, snapshotter);
        if (Directory.Exists(root))
            names.AddRange(Directory.GetFileSystemEntries(root).Select(Path.GetFileName)!);
        return [.. names.Order(StringComparer.Ordinal)];
    }
}
