using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Drivers;

/// <summary>
/// A snapshotter's data on disk. Each snapshot has its own folder named by a numeric id that never changes
/// (a commit renames the key, not the folder): <c>{root}/{id}/fs</c> holds its files and, for overlayfs,
/// <c>{root}/{id}/work</c> is the overlay work dir. Records live in the store; drivers only touch disk.
/// </summary>
public interface ISnapshotDriver
{
    /// <summary>The snapshotter's name on the wire: <c>overlayfs</c> or <c>native</c>.</summary>
    string Name { get; }

    /// <summary>The folder under which this driver keeps its snapshot folders.</summary>
    string Root { get; }

    /// <summary>
    /// True when a snapshot's folder holds only its own layer, stacked over its parents' at mount time
    /// (overlayfs); false when it starts as a full copy of its parent (the copying driver). Decides how an
    /// imported layer's whiteouts are applied.
    /// </summary>
    bool Layered { get; }

    /// <summary>
    /// Creates the folders of a new active snapshot or view. <paramref name="parentIds"/> are the committed
    /// ancestors, nearest first. The copying driver copies the nearest parent's files here; overlayfs only
    /// creates empty folders. Idempotent for a folder left by a crash.
    /// </summary>
    Task CreateAsync(long id, IReadOnlyList<long> parentIds, CancellationToken cancellationToken);

    /// <summary>The mounts a runtime applies to use the snapshot (as data; nothing is mounted here).</summary>
    IReadOnlyList<Mount> Mounts(long id, SnapshotKind kind, IReadOnlyList<long> parentIds);

    /// <summary>The folder that holds the snapshot's own files (where an import unpacks).</summary>
    string FilesPath(long id);

    /// <summary>Removes the snapshot's folder and everything in it. No error if it is already gone.</summary>
    Task RemoveAsync(long id, CancellationToken cancellationToken);

    /// <summary>Bytes and inodes of the snapshot's own files, excluding its parents.</summary>
    (long Size, long Inodes) Usage(long id);

    /// <summary>Ids of every snapshot folder on disk (to find folders with no record).</summary>
    IReadOnlyList<long> ListIds();

    /// <summary>True when the folder of the snapshot exists.</summary>
    bool Exists(long id);
}
