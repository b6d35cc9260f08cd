using System.Globalization;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Tests.Stress;

/// <summary>
/// What is on disk and in the store, read directly rather than through the service's own listing code, so a
/// bug there can't hide a leftover from the checks that use it.
/// </summary>
internal static class DiskState
{
    /// <summary>Every snapshot folder under <c>{dataRoot}/snapshots/{snapshotter}/</c>: the numerically named ones.</summary>
    public static SortedSet<(string Snapshotter, long DirId)> Folders(string dataRoot)
    {
        var result = new SortedSet<(string, long)>();
        var snapshots = Path.Combine(dataRoot, "snapshots");
        if (!Directory.Exists(snapshots))
            return result;
        foreach (var driver in Directory.EnumerateDirectories(snapshots))
            foreach (var folder in Directory.EnumerateDirectories(driver))
                if (long.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    result.Add((Path.GetFileName(driver), id));
        return result;
    }

    /// <summary>The folders the store's records own.</summary>
    public static async Task<SortedSet<(string Snapshotter, long DirId)>> RecordedFoldersAsync(IResourceStore store, CancellationToken ct)
    {
        var graph = await store.LoadGraphAsync(ct);
        return new SortedSet<(string, long)>(graph.Snapshots.Select(s => (s.Snapshotter, s.DirId)));
    }

    public static string Describe(IEnumerable<(string Snapshotter, long DirId)> folders) =>
        string.Join(", ", folders.Select(f => $"{f.Snapshotter}/{f.DirId}"));
}
