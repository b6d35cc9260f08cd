using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// Applies a layer's whiteouts (see <see cref="Whiteouts"/>) inside the snapshot folder: the folder a whiteout names is
/// reached like any entry's, without following a symlink, so a whiteout can hide or delete only what is inside the
/// root. A whiteout that names no file (<c>.wh.</c>, <c>.wh..</c>, <c>.wh..wh.x</c>) is InvalidArgument.
/// </summary>
internal sealed class LayerWhiteouts(RootedTree tree, Whiteouts mode)
{
    // What the archive made, each with every folder above it, so an opaque marker on the copying snapshotter deletes only
    // what the parent left. Never shrinks: a name deleted since is simply not found on disk.
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Records that the archive made <paramref name="parts"/> (an opaque marker keeps it).</summary>
    public void Written(string[] parts)
    {
        if (mode != Whiteouts.Delete)
            return;
        for (var count = parts.Length; count > 0; count--)
            if (!_written.Add(EntryNames.Join(parts, count)))
                break; // and so is every folder above it
    }

    public void Apply(string[] parts, string entry)
    {
        var name = parts[^1];
        var hidden = name[EntryNames.WhiteoutPrefix.Length..];
        if (name != EntryNames.OpaqueMarker && (hidden is "" or "." or ".." || hidden.StartsWith(EntryNames.WhiteoutPrefix, StringComparison.Ordinal)))
            throw PlatformException.InvalidArgument($"archive entry {EntryNames.Show(entry)} is a whiteout that names no file");
        if (mode == Whiteouts.Drop)
            return;
        using var folder = tree.Folder(parts, parts.Length - 1, entry, create: mode == Whiteouts.Overlay);
        if (folder is null)
            return; // copying snapshotter: nothing below to hide
        var where = parts.Length == 1 ? "the root folder" : EntryNames.Join(parts, parts.Length - 1);
        if (name == EntryNames.OpaqueMarker)
        {
            if (mode == Whiteouts.Delete)
                Prune(folder, EntryNames.Join(parts, parts.Length - 1));
            else if (!Native.TrySetXattrOnFolder(folder, ".", "trusted.overlay.opaque", "y"u8.ToArray()))
                throw PlatformException.FailedPrecondition(
                    $"archive entry {EntryNames.Show(entry)} makes {where} opaque, which needs the trusted.overlay.opaque attribute (root, and a filesystem with xattrs)");
            return;
        }
        tree.Remove(folder, hidden);
        // The 0/0 character device is overlayfs's own whiteout, made here for every caller: it is not an archive's device node.
        if (mode == Whiteouts.Overlay && !Native.TryMakeNodeAt(folder, hidden, Native.CharDevice, 0, 0))
            throw PlatformException.FailedPrecondition(
                $"archive entry {EntryNames.Show(entry)} hides {hidden} in {where}, which needs a 0/0 character device (mknod needs root)");
    }

    /// <summary>Deletes what the archive did not make under <paramref name="path"/>, going into the folders it did make.</summary>
    private void Prune(Native.Fd folder, string path)
    {
        foreach (var name in Native.ListNames(folder))
        {
            var child = path.Length == 0 ? name : path + "/" + name;
            if (!_written.Contains(child))
                tree.Remove(folder, name);
            else if (Native.TypeAt(folder, name) is Native.Directory)
                using (var inner = Native.TryOpenFolderAt(folder, name, out var errno) ?? throw Native.Failure("open", child, errno))
                    Prune(inner, child);
        }
    }
}
