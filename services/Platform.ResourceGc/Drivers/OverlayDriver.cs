using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Drivers;

/// <summary>
/// The overlayfs snapshotter: each snapshot has an <c>fs</c> folder (the upper dir while active, a lower dir once
/// committed) and a <c>work</c> folder for overlay's own use. Parents are stacked as lower dirs, nearest first,
/// so creating a snapshot copies nothing.
/// </summary>
public sealed class OverlayDriver : ISnapshotDriver
{
    private const string WorkFolder = "work";

    private readonly DriverFolders _folders;

    /// <param name="root">Folder for the snapshot folders. Its path may not contain ',' or ':', which separate
    /// overlay mount options and lower dirs.</param>
    public OverlayDriver(string root)
    {
        _folders = new DriverFolders(root);
        if (_folders.Root.AsSpan().IndexOfAny(',', ':') >= 0)
            throw new ArgumentException($"the overlayfs root {_folders.Root} contains ',' or ':', which overlay mount options cannot carry", nameof(root));
    }

    public string Name => DriverSelector.OverlayName;

    public bool Layered => true;

    public string Root => _folders.Root;

    /// <summary>
    /// Creates empty <c>fs</c> and <c>work</c> folders. With parents, <c>fs</c> takes the owner and mode of the nearest
    /// parent's <c>fs</c>, since the upper dir's root is what the merged root shows. Idempotent.
    /// </summary>
    public Task CreateAsync(long id, IReadOnlyList<long> parentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        var folder = _folders.SnapshotPath(id);
        var files = _folders.FilesPath(id);
        var parentFiles = parentIds.Select(p => (Id: p, Path: _folders.FilesPath(p))).ToList();
        return Task.Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (parentId, path) in parentFiles)
            {
                if (!Directory.Exists(path))
                    throw new DirectoryNotFoundException($"parent snapshot {parentId} has no files folder {path}");
            }
            _folders.EnsureRoot();
            DriverFolders.CreateFolder(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            DriverFolders.CreateFolder(Path.Combine(folder, WorkFolder),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            if (Directory.Exists(files))
                return; // made by an earlier call; the snapshot may have changed its root since, so leave it be
            // Owner and mode are set before fs gets its name, so a crash never leaves an fs with the wrong ones.
            var partial = Path.Combine(folder, DriverFolders.PartialFilesFolder);
            DriverFolders.DeleteTree(partial, cancellationToken);
            if (parentFiles.Count == 0)
            {
                DriverFolders.CreateFolder(partial, NativeDriver.DefaultFilesMode);
            }
            else
            {
                var parent = LinuxCalls.LStat(parentFiles[0].Path);
                Directory.CreateDirectory(partial);
                if (Environment.IsPrivilegedProcess)
                    LinuxCalls.LChown(partial, parent.Uid, parent.Gid);
                LinuxCalls.SetMode(partial, parent.Permissions);
            }
            Directory.Move(partial, files);
        }, cancellationToken);
    }

    /// <summary>
    /// containerd's mounts: no parents → a bind of <c>fs</c> (rw, or ro for a view); active with parents → overlay with
    /// <c>fs</c> as upper; a view of one parent → a read-only bind of that parent's <c>fs</c> (overlay refuses a single
    /// lower dir without an upper); a view of several → an overlay of lower dirs only, which is read-only by nature.
    /// </summary>
    public IReadOnlyList<Mount> Mounts(long id, SnapshotKind kind, IReadOnlyList<long> parentIds)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        if (kind is not (SnapshotKind.Active or SnapshotKind.View))
            throw new InvalidOperationException($"snapshot {id} is {kind}: only active snapshots and views have mounts");
        var readWrite = kind == SnapshotKind.Active;
        if (parentIds.Count == 0)
            return [NativeDriver.Bind(_folders.FilesPath(id), readWrite ? "rw" : "ro")];
        var lowerdir = "lowerdir=" + string.Join(':', parentIds.Select(_folders.FilesPath));
        if (readWrite)
        {
            return
            [
                new Mount
                {
                    Type = "overlay",
                    Source = "overlay",
                    Options = ["index=off", $"workdir={Path.Combine(_folders.SnapshotPath(id), WorkFolder)}", $"upperdir={_folders.FilesPath(id)}", lowerdir],
                },
            ];
        }
        if (parentIds.Count == 1)
            return [NativeDriver.Bind(_folders.FilesPath(parentIds[0]), "ro")];
        return [new Mount { Type = "overlay", Source = "overlay", Options = [lowerdir] }];
    }

    public string FilesPath(long id) => _folders.FilesPath(id);

    public Task RemoveAsync(long id, CancellationToken cancellationToken) => _folders.RemoveAsync(id, cancellationToken);

    public (long Size, long Inodes) Usage(long id) => _folders.Usage(id);

    public IReadOnlyList<long> ListIds() => _folders.ListIds();

    public bool Exists(long id) => _folders.Exists(id);

    /// <summary>True when overlay really mounts at <paramref name="root"/>: see <see cref="WhyNotSupported"/>.</summary>
    public static bool IsSupported(string root) => WhyNotSupported(root) is null;

    /// <summary>
    /// Null when the kernel mounts an overlay whose layers live under <paramref name="root"/> (created if missing):
    /// two lower dirs, an upper and a work dir in a probe folder, a lower file read and a file written through the
    /// merged dir; otherwise why not (not root, no overlay in the kernel, a filesystem overlay cannot use as upper
    /// such as overlay itself, a read-only location …). Always unmounts and deletes the probe. Nothing is cached:
    /// each root is on whatever filesystem it is on.
    /// </summary>
    internal static string? WhyNotSupported(string root)
    {
        if (!OperatingSystem.IsLinux())
            return "overlayfs needs Linux";
        if (!Environment.IsPrivilegedProcess)
            return "mounting overlayfs needs root";
        string probe;
        try
        {
            root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            if (root.AsSpan().IndexOfAny(',', ':') >= 0)
                return $"{root} contains ',' or ':', which overlay mount options cannot carry";
            new DriverFolders(root).EnsureRoot();
            probe = Path.Combine(root, $"overlay-probe-{Guid.NewGuid():N}");
            Directory.CreateDirectory(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"cannot create a probe folder under {root}: {e.Message}";
        }

        var merged = Path.Combine(probe, "merged");
        var mounted = false;
        try
        {
            string Folder(string name)
            {
                var path = Path.Combine(probe, name);
                Directory.CreateDirectory(path);
                return path;
            }
            var lower1 = Folder("lower1");
            var lower2 = Folder("lower2");
            var upper = Folder("upper");
            var work = Folder("work");
            Folder("merged");
            File.WriteAllText(Path.Combine(lower2, "probe"), "lower");

            var failure = LinuxCalls.Mount("overlay", merged, "overlay", $"index=off,lowerdir={lower1}:{lower2},upperdir={upper},workdir={work}");
            if (failure is not null)
                return $"the kernel refused an overlay mount under {root}: {failure}";
            mounted = true;
            if (!File.Exists(Path.Combine(merged, "probe")) || File.ReadAllText(Path.Combine(merged, "probe")) != "lower")
                return $"an overlay under {root} does not show its lower dir's files";
            File.WriteAllText(Path.Combine(merged, "written"), "upper");
            if (!File.Exists(Path.Combine(upper, "written")))
                return $"an overlay under {root} does not write into its upper dir";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"probing overlay under {root} failed: {e.Message}";
        }
        finally
        {
            if (!mounted || LinuxCalls.Unmount(merged))
            {
                try
                {
                    DriverFolders.DeleteTree(probe, CancellationToken.None);
                }
                catch (IOException)
                {
                    // A probe we cannot delete is left behind; its name is not a snapshot id, so nothing mistakes it for one.
                }
            }
        }
    }
}
