using System.Text;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// The snapshot folder an archive is unpacked into, reached only through descriptors: a name's folders are opened one
/// part at a time from the root's descriptor with <c>O_NOFOLLOW</c>, so a symlink anywhere on the way (one the archive
/// planted, one a parent snapshot holds, or one swapped in meanwhile) is refused, never followed, and nothing outside
/// the root can be reached by any name. What is then made or changed is one name in that folder's descriptor.
/// </summary>
internal sealed class RootedTree : IDisposable
{
    private readonly Native.Fd _root;

    public RootedTree(string root)
    {
        RootBytes = Encoding.UTF8.GetByteCount(root);
        _root = Native.OpenFolder(root);
    }

    /// <summary>Length of the root's own path, which a name's path on disk adds to.</summary>
    public int RootBytes { get; }

    /// <summary>
    /// The folder of the first <paramref name="count"/> parts, made (0755) where missing when <paramref name="create"/>
    /// is set, else null when missing. A symlink or a non-folder on the way is InvalidArgument naming it.
    /// </summary>
    public Native.Fd? Folder(IReadOnlyList<string> parts, int count, string entry, bool create) =>
        Walk(parts, count, create, (part, type) => PlatformException.InvalidArgument(type == Native.Symlink
            ? $"archive entry {EntryNames.Show(entry)} goes through the symlink {EntryNames.Join(parts, part + 1)}, which may lead outside the snapshot"
            : $"archive entry {EntryNames.Show(entry)} needs the folder {EntryNames.Join(parts, part + 1)}, but the archive made something else there"));

    /// <summary>The folder of the first <paramref name="count"/> parts if it is (still) one, reached without a symlink; else null.</summary>
    public Native.Fd? ExistingFolderOrNull(IReadOnlyList<string> parts, int count) => Walk(parts, count, create: false, refuse: null);

    /// <summary>Removes <paramref name="name"/> in <paramref name="folder"/>, a whole folder tree included; a symlink is removed, never followed.</summary>
    public void Remove(Native.Fd folder, string name)
    {
        switch (Native.TypeAt(folder, name))
        {
            case null:
                return;
            case Native.Directory:
                using (var inner = Native.TryOpenFolderAt(folder, name, out var errno) ?? throw Native.Failure("open", name, errno))
                    foreach (var child in Native.ListNames(inner))
                        Remove(inner, child);
                Native.UnlinkAt(folder, name, isFolder: true);
                return;
            default:
                Native.UnlinkAt(folder, name, isFolder: false);
                return;
        }
    }

    public void Dispose() => _root.Dispose();

    private Native.Fd? Walk(IReadOnlyList<string> parts, int count, bool create, Func<int, uint?, Exception>? refuse)
    {
        var current = Native.TryOpenFolderAt(_root, ".", out var rootErrno) ?? throw Native.Failure("open", ".", rootErrno);
        for (var i = 0; i < count; i++)
        {
            var next = Native.TryOpenFolderAt(current, parts[i], out var errno);
            if (next is null && errno == Native.ENOENT && create)
            {
                var made = Native.MakeFolderAt(current, parts[i]);
                if (made is not (0 or Native.EEXIST))
                {
                    current.Dispose();
                    throw Native.Failure("mkdir", parts[i], made);
                }
                next = Native.TryOpenFolderAt(current, parts[i], out errno);
            }
            if (next is null)
            {
                var notFolder = errno is Native.ELOOP or Native.ENOTDIR;
                var type = notFolder ? Native.TypeAt(current, parts[i]) : null;
                current.Dispose();
                if (refuse is null || (errno == Native.ENOENT && !create))
                    return null;
                throw notFolder ? refuse(i, type) : Native.Failure("open", EntryNames.Join(parts, i + 1), errno);
            }
            current.Dispose();
            current = next;
        }
        return current;
    }
}
