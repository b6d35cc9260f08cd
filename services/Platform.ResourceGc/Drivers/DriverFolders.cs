using System.Globalization;
using Platform.Hosting.Storage;

namespace Platform.ResourceGc.Drivers;

/// <summary>
/// What both drivers do the same way with <c>{root}/{id}</c> folders: naming them, listing them, measuring a
/// snapshot's own files and deleting a tree. Walks never follow symlinks and never descend into another mount,
/// so a link or a mount inside a snapshot cannot make us count or delete anything outside it.
/// </summary>
internal sealed class DriverFolders
{
    public const string FilesFolder = "fs";

    /// <summary>Where a new <c>fs</c> is prepared before one rename gives it its name: an <c>fs</c> is always complete.</summary>
    public const string PartialFilesFolder = "fs.partial";

    private static readonly EnumerationOptions AllEntries = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        MatchType = MatchType.Simple,
        ReturnSpecialDirectories = false,
    };

    public DriverFolders(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public string Root { get; }

    public string SnapshotPath(long id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        return Path.Combine(Root, id.ToString(CultureInfo.InvariantCulture));
    }

    public string FilesPath(long id) => Path.Combine(SnapshotPath(id), FilesFolder);

    public bool Exists(long id) => Directory.Exists(SnapshotPath(id));

    /// <summary>Makes the root owner-only, as containerd does: created so, or tightened when something left it readable.</summary>
    public void EnsureRoot() => PrivateFiles.EnsureFolder(Root);

    /// <summary>Creates a folder (its missing ancestors owner-only) and gives it exactly <paramref name="mode"/>, whatever the umask.</summary>
    public static void CreateFolder(string path, UnixFileMode mode)
    {
        PrivateFiles.CreateFolder(path);
        LinuxCalls.SetMode(path, mode);
    }

    /// <summary>Ids of the folders named by a canonical non-negative number; anything else under the root is not ours.</summary>
    public IReadOnlyList<long> ListIds()
    {
        if (!Directory.Exists(Root))
            return [];
        var ids = new List<long>();
        foreach (var path in Directory.EnumerateDirectories(Root, "*", AllEntries))
        {
            var name = Path.GetFileName(path);
            if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && id.ToString(CultureInfo.InvariantCulture) == name
                && LinuxCalls.LStatOrNull(path) is { IsDirectory: true })
                ids.Add(id);
        }
        ids.Sort();
        return ids;
    }

    /// <summary>
    /// Bytes of the regular files (apparent length) and inodes (files, folders, symlinks, special files) under the
    /// snapshot's own <c>fs</c>, the <c>fs</c> folder itself excluded; an inode reached through several hard links
    /// counts once.
    /// </summary>
    public (long Size, long Inodes) Usage(long id)
    {
        var top = FilesPath(id);
        var topStatus = LinuxCalls.LStatOrNull(top);
        if (topStatus is not { IsDirectory: true })
            throw new DirectoryNotFoundException($"snapshot {id} has no files folder {top}");
        var seen = new HashSet<(uint, uint, ulong)>();
        long size = 0;
        var pending = new Stack<string>();
        pending.Push(top);
        while (pending.Count > 0)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(pending.Pop(), "*", AllEntries))
            {
                if (LinuxCalls.LStatOrNull(entry) is not { } status)
                    continue; // removed while we walked
                if (seen.Add((status.DevMajor, status.DevMinor, status.Inode)))
                {
                    if (status.IsRegular)
                        size += status.Size;
                }
                if (status.IsDirectory && status.SameDevice(topStatus.Value) && !status.IsMountRoot)
                    pending.Push(entry);
            }
        }
        return (size, seen.Count);
    }

    /// <summary>Deletes the snapshot's folder; nothing to do when it is already gone.</summary>
    public Task RemoveAsync(long id, CancellationToken cancellationToken)
    {
        var path = SnapshotPath(id);
        return Task.Run(() => DeleteTree(path, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Deletes <paramref name="path"/> and everything under it without following symlinks. Folders the owner may not
    /// enter or write (an overlay <c>work/work</c> is mode 000) are opened up first; read-only files need nothing
    /// since unlinking depends on the folder. A mount point anywhere inside stops the delete with an
    /// <see cref="IOException"/> naming it, before anything of the mounted filesystem is touched; so does any entry
    /// the kernel refuses to remove.
    /// </summary>
    public static void DeleteTree(string path, CancellationToken cancellationToken)
    {
        if (LinuxCalls.LStatOrNull(path) is not { } top)
            return;
        if (!top.IsDirectory)
        {
            Unlink(path);
            return;
        }
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path));
        if (top.IsMountRoot || (parent is not null && LinuxCalls.LStatOrNull(parent) is { } above && !top.SameDevice(above)))
            throw Busy(path);

        var pending = new Stack<(string Path, bool Emptied)>();
        pending.Push((path, false));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (folder, emptied) = pending.Pop();
            if (emptied)
            {
                try
                {
                    Directory.Delete(folder, recursive: false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"cannot remove folder {folder}: {e.Message}", e);
                }
                continue;
            }

            var status = LinuxCalls.LStat(folder);
            if (!status.SameDevice(top) || status.IsMountRoot)
                throw Busy(folder);
            const UnixFileMode ownerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            if ((status.Permissions & ownerAll) != ownerAll)
            {
                try
                {
                    LinuxCalls.SetMode(folder, status.Permissions | ownerAll);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not ours to chmod; the enumeration or the delete below reports the real problem.
                }
            }
            pending.Push((folder, true));
            List<string> entries;
            try
            {
                entries = [.. Directory.EnumerateFileSystemEntries(folder, "*", AllEntries)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot list folder {folder}: {e.Message}", e);
            }
            foreach (var entry in entries)
            {
                if (LinuxCalls.LStatOrNull(entry) is not { } child)
                    continue;
                if (child.IsDirectory)
                    pending.Push((entry, false));
                else
                    Unlink(entry);
            }
        }
    }

    private static void Unlink(string path)
    {
        try
        {
            File.Delete(path); // unlink(2): a symlink goes, its target stays
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot remove {path}: {e.Message}", e);
        }
    }

    private static IOException Busy(string path) =>
        new($"cannot remove {path}: a filesystem is mounted there (busy); unmount it first");
}
