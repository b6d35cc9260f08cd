using System.Buffers;
using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// Writes the entries of one archive into a snapshot folder through <see cref="RootedTree"/>: every name is made in
/// its folder's descriptor and never followed, and a later entry replaces whatever an earlier one (or the parent's
/// copy) left at its name, a folder tree included, except a folder where a folder comes. Symlinks are made as given:
/// their targets are data. Hard links go only to regular files inside the root. Modes, owners and times are set on
/// the descriptor of the file just written, or on the name itself with <c>AT_SYMLINK_NOFOLLOW</c>; folders get theirs
/// after the whole archive (writing into a folder changes its time), looked up again without following anything, so
/// a folder a later entry turned into a symlink is skipped instead of having its mode applied to where the link points.
/// </summary>
internal sealed class LayerWriter : IDisposable
{
    private static readonly bool KeepOwners = Environment.IsPrivilegedProcess;

    private readonly RootedTree _tree;
    private readonly ArchiveRules _rules;
    private readonly LayerWhiteouts _whiteouts;
    private readonly List<(string[] Parts, Metadata Metadata)> _folders = [];
    private long _declared;

    public LayerWriter(string root, Whiteouts whiteouts, ArchiveRules rules)
    {
        _tree = new RootedTree(root);
        _rules = rules;
        _whiteouts = new LayerWhiteouts(_tree, whiteouts);
    }

    public async Task WriteAsync(TarReader reader, CancellationToken ct)
    {
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            await WriteAsync(entry, ct);
        foreach (var (parts, metadata) in _folders)
            FinishFolder(parts, metadata);
    }

    public void Dispose() => _tree.Dispose();

    private async Task WriteAsync(TarEntry entry, CancellationToken ct)
    {
        var what = $"archive entry {EntryNames.Show(entry.Name)}";
        if (EntryNames.Parts(entry.Name, _tree.RootBytes, what) is not { } parts)
            return; // the root itself: its folder is the driver's
        var name = parts[^1];
        if (name.StartsWith(EntryNames.WhiteoutPrefix, StringComparison.Ordinal))
        {
            _whiteouts.Apply(parts, entry.Name);
            return;
        }
        var metadata = new Metadata((uint)entry.Mode & 0xFFF, (uint)entry.Uid, (uint)entry.Gid, entry.ModificationTime);
        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Reserve(entry, what);
                using (var folder = Folder(parts, entry))
                {
                    ReplaceAt(folder, name);
                    using var file = Native.CreateFileAt(folder, name);
                    if (entry.DataStream is not null)
                        await CopyAsync(entry.DataStream, file, ct);
                    if (KeepOwners)
                        Native.ChownFile(file, name, metadata.Uid, metadata.Gid); // before the mode: chown clears setuid and setgid
                    Native.ChmodFile(file, name, metadata.Mode);
                    Native.SetTimeFile(file, name, metadata.Modified);
                }
                break;
            case TarEntryType.Directory:
                using (var folder = Folder(parts, entry))
                {
                    if (Native.TypeAt(folder, name) is not Native.Directory)
                    {
                        ReplaceAt(folder, name);
                        if (Native.MakeFolderAt(folder, name) is var errno and not 0)
                            throw Native.Failure("mkdir", name, errno);
                    }
                }
                _folders.Add((parts, metadata));
                break;
            case TarEntryType.SymbolicLink:
                if (entry.LinkName.Length == 0 || entry.LinkName.Contains('\0'))
                    throw PlatformException.InvalidArgument($"{what} is a symlink with an empty target or a NUL in it");
                using (var folder = Folder(parts, entry))
                {
                    ReplaceAt(folder, name);
                    Native.SymlinkAt(entry.LinkName, folder, name);
                    SetLinkMetadata(folder, name, metadata);
                }
                break;
            case TarEntryType.HardLink:
                HardLink(parts, entry, what);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                Node(parts, entry, what, metadata);
                break;
            default:
                // Sparse files, tape volumes and vendor entries have no place in a root filesystem snapshot here.
                break;
        }
        _whiteouts.Written(parts);
    }

    private void HardLink(string[] parts, TarEntry entry, string what)
    {
        var source = EntryNames.Parts(entry.LinkName, _tree.RootBytes, $"{what} (a hard link to {EntryNames.Show(entry.LinkName)})")
            ?? throw PlatformException.InvalidArgument($"{what} is a hard link to the snapshot's root folder");
        using var sourceFolder = _tree.Folder(source, source.Length - 1, entry.Name, create: false);
        var type = sourceFolder is null ? null : Native.TypeAt(sourceFolder, source[^1]);
        if (type is not Native.Regular)
            throw PlatformException.InvalidArgument(type switch
            {
                null => $"{what} is a hard link to {EntryNames.Show(entry.LinkName)}, which is not a file the archive made before it",
                Native.Symlink => $"{what} is a hard link to the symlink {EntryNames.Show(entry.LinkName)}; only regular files may be hard linked",
                Native.Directory => $"{what} is a hard link to the folder {EntryNames.Show(entry.LinkName)}; only regular files may be hard linked",
                _ => $"{what} is a hard link to the special file {EntryNames.Show(entry.LinkName)}; only regular files may be hard linked",
            });
        if (source.SequenceEqual(parts))
            return; // a link to itself: the file is already there
        using var folder = Folder(parts, entry);
        ReplaceAt(folder, parts[^1]);
        Native.LinkAt(sourceFolder!, source[^1], folder, parts[^1]);
    }

    private void Node(string[] parts, TarEntry entry, string what, Metadata metadata)
    {
        var type = entry.EntryType switch
        {
            TarEntryType.CharacterDevice => Native.CharDevice,
            TarEntryType.BlockDevice => Native.BlockDevice,
            _ => Native.Fifo,
        };
        var (major, minor) = entry is PosixTarEntry posix ? ((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : (0u, 0u);
        if (type != Native.Fifo && !_rules.AllowDevices)
            throw PlatformException.PermissionDenied(
                $"{what} is a {(type == Native.CharDevice ? "character" : "block")} device node ({major}:{minor}); only a caller privileged in the namespace may import device nodes");
        using var folder = Folder(parts, entry);
        ReplaceAt(folder, parts[^1]);
        if (!Native.TryMakeNodeAt(folder, parts[^1], type, major, minor))
            throw PlatformException.FailedPrecondition($"{what} is a special file, which needs mknod (root)");
        if (KeepOwners)
            Native.ChownAt(folder, parts[^1], metadata.Uid, metadata.Gid);
        Native.ChmodAt(folder, parts[^1], metadata.Mode);
        Native.SetTimeAt(folder, parts[^1], metadata.Modified);
    }

    private Native.Fd Folder(string[] parts, TarEntry entry) => _tree.Folder(parts, parts.Length - 1, entry.Name, create: true)!;

    /// <summary>Clears the name for a new entry: a later entry wins over whatever is there.</summary>
    private void ReplaceAt(Native.Fd folder, string name) => _tree.Remove(folder, name);

    private static void SetLinkMetadata(Native.Fd folder, string name, Metadata metadata)
    {
        if (KeepOwners)
            Native.ChownAt(folder, name, metadata.Uid, metadata.Gid);
        Native.SetTimeAt(folder, name, metadata.Modified);
    }

    private void FinishFolder(string[] parts, Metadata metadata)
    {
        // A later entry may have replaced the folder or one above it (by a symlink, a file, a whiteout): then its mode
        // no longer belongs to anything, and the symlink now at its name must not receive it.
        using var folder = _tree.ExistingFolderOrNull(parts, parts.Length - 1);
        if (folder is null || Native.TypeAt(folder, parts[^1]) is not Native.Directory)
            return;
        if (KeepOwners)
            Native.ChownAt(folder, parts[^1], metadata.Uid, metadata.Gid);
        Native.ChmodAt(folder, parts[^1], metadata.Mode);
        Native.SetTimeAt(folder, parts[^1], metadata.Modified);
    }

    private void Reserve(TarEntry entry, string what)
    {
        if (entry.Length > _rules.MaxUnpackedBytes - _declared)
            throw PlatformException.ResourceExhausted(
                $"{what} declares {entry.Length} bytes, which makes the archive's files more than the {_rules.MaxUnpackedBytes} bytes one archive may unpack to (ResourceGc:MaxUnpackedBytes)");
        _declared += entry.Length;
    }

    private static async Task CopyAsync(Stream data, SafeFileHandle file, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            long offset = 0;
            int read;
            while ((read = await data.ReadAsync(buffer, ct)) > 0)
            {
                // Synchronously: the handle is not opened for async I/O, so WriteAsync would only move the same write to a
                // thread-pool thread, once per chunk.
                RandomAccess.Write(file, buffer.AsSpan(0, read), offset);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly record struct Metadata(uint Mode, uint Uid, uint Gid, DateTimeOffset Modified);
}
