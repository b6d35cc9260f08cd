namespace Platform.ResourceGc.Drivers;

/// <summary>
/// Copies a snapshot's files for the copying snapshotter: regular files with contents, folders, symlinks as
/// symlinks, fifos and (as root) device nodes as nodes; sockets are skipped. Every entry keeps its permission
/// bits (setuid, setgid and sticky included), its extended attributes and its modification time, and its owner
/// when we run as root. Hard links become independent copies. Nothing is followed through a symlink and no
/// other mount is entered.
/// </summary>
internal static class TreeCopier
{
    private static readonly EnumerationOptions AllEntries = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        MatchType = MatchType.Simple,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Copies the folder <paramref name="source"/> to <paramref name="target"/>, which must not exist yet.</summary>
    public static void Copy(string source, string target, CancellationToken cancellationToken)
    {
        var top = LinuxCalls.LStatOrNull(source);
        if (top is not { IsDirectory: true })
            throw new DirectoryNotFoundException($"cannot copy {source}: not a folder");
        var keepOwners = Environment.IsPrivilegedProcess;

        // Folders get their mode, owner and time after their contents: a read-only folder must still be written
        // into, and writing into a folder changes its time. Reversed creation order finishes children first.
        var folders = new List<(string Source, string Target, LinuxCalls.FileStatus Status)>();
        var pending = new Stack<(string Source, string Target)>();
        Directory.CreateDirectory(target);
        folders.Add((source, target, top.Value));
        pending.Push((source, target));
        while (pending.Count > 0)
        {
            var (sourceFolder, targetFolder) = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(sourceFolder, "*", AllEntries))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (LinuxCalls.LStatOrNull(entry) is not { } status)
                    continue; // removed while we copied
                var destination = Path.Combine(targetFolder, Path.GetFileName(entry));
                switch (status.Type)
                {
                    case LinuxCalls.Directory:
                        Directory.CreateDirectory(destination);
                        folders.Add((entry, destination, status));
                        if (status.SameDevice(top.Value) && !status.IsMountRoot)
                            pending.Push((entry, destination));
                        break;
                    case LinuxCalls.Regular:
                        File.Copy(entry, destination, overwrite: false);
                        Finish(entry, destination, status, keepOwners);
                        break;
                    case LinuxCalls.Symlink:
                        var linkTarget = new FileInfo(entry).LinkTarget
                            ?? throw new IOException($"cannot read the symlink {entry}");
                        File.CreateSymbolicLink(destination, linkTarget);
                        if (keepOwners)
                            LinuxCalls.LChown(destination, status.Uid, status.Gid);
                        CopyXattrs(entry, destination);
                        break;
                    case LinuxCalls.Fifo:
                    case LinuxCalls.CharDevice:
                    case LinuxCalls.BlockDevice:
                        // A node we may not create (a device as non-root) is skipped, like a socket.
                        if (LinuxCalls.TryMakeNode(destination, status.Mode, status.RdevMajor, status.RdevMinor))
                            Finish(entry, destination, status, keepOwners);
                        break;
                    default:
                        break; // sockets belong to a process that is not coming along
                }
            }
        }
        for (var i = folders.Count - 1; i >= 0; i--)
        {
            var (folderSource, folder, status) = folders[i];
            Finish(folderSource, folder, status, keepOwners);
        }
    }

    private static void Finish(string source, string destination, LinuxCalls.FileStatus status, bool keepOwners)
    {
        // chown clears setuid/setgid and file capabilities, so the owner goes first, then the mode, then xattrs.
        if (keepOwners)
            LinuxCalls.LChown(destination, status.Uid, status.Gid);
        LinuxCalls.SetMode(destination, status.Permissions);
        CopyXattrs(source, destination);
        File.SetLastWriteTimeUtc(destination, status.LastWriteUtc);
    }

    private static void CopyXattrs(string source, string destination)
    {
        foreach (var (name, value) in LinuxCalls.ListXattrs(source))
            LinuxCalls.TrySetXattr(destination, name, value);
    }
}
