using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Drivers;

/// <summary>
/// The copying snapshotter (containerd's "native"): each snapshot is a full copy of its parent's files in
/// <c>{root}/{id}/fs</c>, used through a bind mount. Works on any filesystem, without overlay support.
/// </summary>
public sealed class NativeDriver : ISnapshotDriver
{
    private readonly DriverFolders _folders;

    public NativeDriver(string root) => _folders = new DriverFolders(root);

    public string Name => DriverSelector.NativeName;

    public bool Layered => false;

    public string Root => _folders.Root;

    /// <summary>
    /// Copies the nearest parent's files (or creates an empty <c>fs</c>). Idempotent: an <c>fs</c> already there is a
    /// finished copy and is kept; a partial copy left by a crash is thrown away and made again.
    /// </summary>
    public Task CreateAsync(long id, IReadOnlyList<long> parentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        var folder = _folders.SnapshotPath(id);
        var files = _folders.FilesPath(id);
        var source = parentIds.Count > 0 ? _folders.FilesPath(parentIds[0]) : null;
        return Task.Run(() =>
        {
            if (source is not null && !Directory.Exists(source))
                throw new DirectoryNotFoundException($"parent snapshot {parentIds[0]} has no files folder {source}");
            _folders.EnsureRoot();
            DriverFolders.CreateFolder(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (Directory.Exists(files))
                return;
            // The copy is built aside and becomes fs by one rename, so a crash never leaves a half copy as fs.
            var partial = Path.Combine(folder, DriverFolders.PartialFilesFolder);
            DriverFolders.DeleteTree(partial, cancellationToken);
            if (source is null)
                DriverFolders.CreateFolder(partial, DefaultFilesMode);
            else
                TreeCopier.Copy(source, partial, cancellationToken);
            Directory.Move(partial, files);
        }, cancellationToken);
    }

    /// <summary>A bind mount of the snapshot's own copy: read-write for an active snapshot, read-only for a view.</summary>
    public IReadOnlyList<Mount> Mounts(long id, SnapshotKind kind, IReadOnlyList<long> parentIds)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        return kind switch
        {
            SnapshotKind.Active => [Bind(_folders.FilesPath(id), "rw")],
            SnapshotKind.View => [Bind(_folders.FilesPath(id), "ro")],
            _ => throw new InvalidOperationException($"snapshot {id} is {kind}: only active snapshots and views have mounts"),
        };
    }

    public string FilesPath(long id) => _folders.FilesPath(id);

    public Task RemoveAsync(long id, CancellationToken cancellationToken) => _folders.RemoveAsync(id, cancellationToken);

    public (long Size, long Inodes) Usage(long id) => _folders.Usage(id);

    public IReadOnlyList<long> ListIds() => _folders.ListIds();

    public bool Exists(long id) => _folders.Exists(id);

    internal const UnixFileMode DefaultFilesMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    internal static Mount Bind(string source, string access) => new() { Type = "bind", Source = source, Options = ["rbind", access] };
}
