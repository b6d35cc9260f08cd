using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Platform.Common.Errors;
using Platform.ResourceGc.Drivers;

namespace Platform.ResourceGc.Import;

/// <summary>How the whiteouts of an OCI layer (<c>.wh.NAME</c> hides NAME of the layers below, <c>.wh..wh..opq</c> hides
/// everything below in its folder) are applied when an archive is unpacked.</summary>
public enum Whiteouts
{
    /// <summary>No layer below (no parent): there is nothing to hide, so whiteout entries are dropped.</summary>
    Drop,

    /// <summary>
    /// overlayfs: the folder holds only this layer, so a whiteout becomes what overlayfs reads as one: a 0/0
    /// character device named NAME, and an opaque folder the <c>trusted.overlay.opaque=y</c> attribute.
    /// </summary>
    Overlay,

    /// <summary>
    /// A copying snapshotter: the folder starts as a copy of the parent, so a whiteout deletes NAME, and an
    /// opaque marker deletes what the folder held before this archive wrote into it.
    /// </summary>
    Delete,
}

/// <summary>
/// Unpacks a tar archive (gzip detected by its magic bytes) into a folder, streaming: directories, regular
/// files, symlinks and hard links with their modes, owners and times, and the layer's whiteouts (see
/// <see cref="Whiteouts"/>); no <c>.wh.</c> entry is ever written as a file. Entries that would land outside
/// the folder, by <c>..</c> or through a symlink (which is never followed), are refused, and a truncated or
/// corrupt archive is an InvalidArgument, never a half-made snapshot (the caller removes the folder).
/// </summary>
public static class TarUnpacker
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>How an archive imported with <paramref name="parent"/> onto <paramref name="driver"/> applies its whiteouts.</summary>
    public static Whiteouts WhiteoutsFor(ISnapshotDriver driver, string? parent) =>
        parent is null ? Whiteouts.Drop : driver.Layered ? Whiteouts.Overlay : Whiteouts.Delete;

    public static async Task UnpackAsync(string archive, string destination, Whiteouts whiteouts, CancellationToken ct)
    {
        await using var file = File.OpenRead(archive);
        await using var input = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        await UnpackAsync(input, destination, whiteouts, ct);
    }

    /// <summary>
    /// Unpacks an image layer (tar, or tar.gz by its magic bytes) and checks that the digest of its uncompressed bytes
    /// is <paramref name="diffId"/> (<c>sha256:HEX</c>), as the image config's <c>rootfs.diff_ids</c> promise. A mismatch
    /// is InvalidArgument naming both digests; the caller removes the folder.
    /// </summary>
    public static async Task UnpackLayerAsync(string blob, string destination, Whiteouts whiteouts, string diffId, CancellationToken ct)
    {
        await using var file = File.OpenRead(blob);
        await using var uncompressed = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        await using var hashing = new HashingReadStream(uncompressed);
        await UnpackAsync(hashing, destination, whiteouts, ct);
        try
        {
            await hashing.DrainAsync(ct); // the digest covers the tar's end blocks and padding too
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw PlatformException.InvalidArgument($"layer {Path.GetFileName(blob)} is truncated or corrupt: {e.Message}");
        }
        var actual = "sha256:" + Convert.ToHexStringLower(hashing.Hash());
        if (actual != diffId)
            throw PlatformException.InvalidArgument($"layer {Path.GetFileName(blob)} unpacks to {actual}, not the diff id {diffId} the image config names");
    }

    /// <summary>Unpacks an uncompressed tar stream into <paramref name="destination"/>.</summary>
    public static async Task UnpackAsync(Stream tar, string destination, Whiteouts whiteouts, CancellationToken ct)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        try
        {
            await using var reader = new TarReader(tar, leaveOpen: true);
            var directories = new List<(string Path, TarEntry Entry)>();
            var written = new HashSet<string>(StringComparer.Ordinal); // what this archive made (an opaque marker keeps it)
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                var target = Resolve(root, entry.Name);
                if (target is null)
                    continue;
                CheckFoldersOnTheWay(root, target, entry.Name);
                if (Path.GetFileName(target).StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                {
                    ApplyWhiteout(root, target, entry.Name, whiteouts, written);
                    continue;
                }
                written.Add(target);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        // A symlink where a directory comes is replaced (as GNU tar does), never followed.
                        if (LinuxCalls.LStatOrNull(target) is { IsSymlink: true })
                            File.Delete(target);
                        Directory.CreateDirectory(target);
                        directories.Add((target, entry));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        DeleteExisting(target);
                        await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                            if (entry.DataStream is not null)
                                await entry.DataStream.CopyToAsync(output, ct);
                        Apply(target, entry, link: false);
                        break;
                    case TarEntryType.SymbolicLink:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        DeleteExisting(target);
                        File.CreateSymbolicLink(target, entry.LinkName);
                        Apply(target, entry, link: true);
                        break;
                    case TarEntryType.HardLink:
                        var source = Resolve(root, entry.LinkName)
                            ?? throw PlatformException.InvalidArgument($"archive entry {entry.Name} links outside the snapshot ({entry.LinkName})");
                        CheckFoldersOnTheWay(root, source, entry.LinkName);
                        if (LinuxCalls.LStatOrNull(source) is not { IsDirectory: false })
                            throw PlatformException.InvalidArgument($"archive entry {entry.Name} is a hard link to {entry.LinkName}, which is not a file the archive made before it");
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        DeleteExisting(target);
                        if (link(source, target) != 0)
                            File.Copy(source, target);
                        break;
                    default:
                        // Devices, FIFOs and vendor entries have no place in a root filesystem snapshot here.
                        break;
                }
            }
            // Directory times last: writing their contents changed them.
            foreach (var (path, entry) in directories)
                Apply(path, entry, link: false);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw PlatformException.InvalidArgument($"the archive is truncated or corrupt: {e.Message}");
        }
    }

    private static void ApplyWhiteout(string root, string target, string name, Whiteouts whiteouts, HashSet<string> written)
    {
        if (whiteouts == Whiteouts.Drop)
            return;
        var folder = Path.GetDirectoryName(target)!;
        var fileName = Path.GetFileName(target);
        if (fileName == OpaqueMarker)
        {
            if (whiteouts == Whiteouts.Overlay)
            {
                Directory.CreateDirectory(folder);
                if (!LinuxCalls.TrySetXattr(folder, "trusted.overlay.opaque", "y"u8.ToArray()))
                    throw PlatformException.FailedPrecondition(
                        $"archive entry {name} makes {Relative(root, folder)} opaque, which needs the trusted.overlay.opaque attribute (root, and a filesystem with xattrs)");
            }
            else if (Directory.Exists(folder))
            {
                foreach (var below in Directory.EnumerateFileSystemEntries(folder).ToList())
                    if (!written.Contains(below))
                        RemoveTree(below);
            }
            return;
        }
        var hidden = fileName[WhiteoutPrefix.Length..];
        if (hidden is "" or "." or ".." || hidden.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            throw PlatformException.InvalidArgument($"archive entry {name} is a whiteout that names no file");
        var path = Path.Combine(folder, hidden);
        RemoveTree(path);
        written.Remove(path);
        if (whiteouts == Whiteouts.Overlay)
        {
            Directory.CreateDirectory(folder);
            if (!LinuxCalls.TryMakeNode(path, LinuxCalls.CharDevice, 0, 0))
                throw PlatformException.FailedPrecondition(
                    $"archive entry {name} hides {Relative(root, path)}, which needs a 0/0 character device (mknod needs root)");
        }
    }

    /// <summary>Deletes a file, link or folder tree; a link is removed, never followed.</summary>
    private static void RemoveTree(string path)
    {
        switch (LinuxCalls.LStatOrNull(path))
        {
            case null:
                return;
            case { IsDirectory: true }:
                Directory.Delete(path, recursive: true);
                return;
            default:
                File.Delete(path);
                return;
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path);

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>The full path of an entry inside <paramref name="root"/>; refuses absolute paths and <c>..</c> escapes.</summary>
    private static string? Resolve(string root, string name)
    {
        var relative = name.TrimStart('/');
        if (relative is "" or "." or "./")
            return null;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (full != root && !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw PlatformException.InvalidArgument($"archive entry {name} would land outside the snapshot");
        return Path.TrimEndingDirectorySeparator(full); // "dir/" names dir itself, never what a link there points to
    }

    /// <summary>
    /// Refuses a path whose folders below <paramref name="root"/> include a symlink or something that is not a
    /// folder. The path is checked by name only; the kernel would follow such a link while writing, and one the
    /// archive made itself (<c>evil → /etc</c>, then <c>evil/passwd</c>) would carry the write outside the snapshot.
    /// </summary>
    private static void CheckFoldersOnTheWay(string root, string path, string name)
    {
        for (var folder = Path.GetDirectoryName(path); folder is not null && folder.Length > root.Length; folder = Path.GetDirectoryName(folder))
        {
            switch (LinuxCalls.LStatOrNull(folder))
            {
                case { IsSymlink: true }:
                    throw PlatformException.InvalidArgument(
                        $"archive entry {name} goes through the symlink {Path.GetRelativePath(root, folder)}, which may lead outside the snapshot");
                case { IsDirectory: false }:
                    throw PlatformException.InvalidArgument(
                        $"archive entry {name} needs the folder {Path.GetRelativePath(root, folder)}, but the archive made something else there");
            }
        }
    }

    private static void DeleteExisting(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists || info.LinkTarget is not null)
            info.Delete();
    }

    private static void Apply(string path, TarEntry entry, bool link)
    {
        if (Environment.IsPrivilegedProcess)
            LinuxCalls.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
        if (link)
            return;
        LinuxCalls.SetMode(path, entry.Mode);
        File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);
}
