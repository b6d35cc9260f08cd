using System.Formats.Tar;
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
/// Unpacks a tar archive (gzip detected by its magic bytes) into a snapshot folder, streaming: directories, regular
/// files, symlinks, hard links, FIFOs and (for privileged callers) device nodes with their modes, owners and times, and
/// the layer's whiteouts (see <see cref="Whiteouts"/>); no <c>.wh.</c> entry is ever written as a file. Every name is
/// resolved inside the folder without following a link (<see cref="RootedTree"/>), so no entry, whatever links the
/// archive or the parent planted, writes, links, deletes or changes the mode of anything outside it; see
/// <see cref="LayerWriter"/> for what a later entry does to an earlier one. A truncated or corrupt archive, or one that
/// breaks these rules, is an InvalidArgument; device nodes from an unprivileged caller are PermissionDenied; an archive
/// past <see cref="ArchiveRules"/>'s sizes is ResourceExhausted. Never a half-made snapshot: the caller removes the folder.
/// </summary>
public static class TarUnpacker
{
    /// <summary>How an archive imported with <paramref name="parent"/> onto <paramref name="driver"/> applies its whiteouts.</summary>
    public static Whiteouts WhiteoutsFor(ISnapshotDriver driver, string? parent) =>
        parent is null ? Whiteouts.Drop : driver.Layered ? Whiteouts.Overlay : Whiteouts.Delete;

    public static async Task UnpackAsync(string archive, string destination, Whiteouts whiteouts, ArchiveRules rules, CancellationToken ct)
    {
        await using var file = File.OpenRead(archive);
        await using var input = Uncompressed(file, rules);
        await UnpackAsync(input, destination, whiteouts, rules, ct);
    }

    /// <summary>
    /// Unpacks an image layer (tar, or tar.gz by its magic bytes) and checks that the digest of its uncompressed bytes
    /// is <paramref name="diffId"/> (<c>sha256:HEX</c>), as the image config's <c>rootfs.diff_ids</c> promise. A mismatch
    /// is InvalidArgument naming both digests; the caller removes the folder.
    /// </summary>
    public static async Task UnpackLayerAsync(string blob, string destination, Whiteouts whiteouts, string diffId, ArchiveRules rules, CancellationToken ct)
    {
        await using var file = File.OpenRead(blob);
        await using var uncompressed = Uncompressed(file, rules);
        await using var hashing = new HashingReadStream(uncompressed);
        await UnpackAsync(hashing, destination, whiteouts, rules, ct);
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
    public static async Task UnpackAsync(Stream tar, string destination, Whiteouts whiteouts, ArchiveRules rules, CancellationToken ct)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        Directory.CreateDirectory(root);
        try
        {
            await using var reader = new TarReader(tar, leaveOpen: true);
            using var writer = new LayerWriter(root, whiteouts, rules);
            await writer.WriteAsync(reader, ct);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw PlatformException.InvalidArgument($"the archive is truncated or corrupt: {e.Message}");
        }
        catch (IOException e) when (e.HResult is Native.ENAMETOOLONG or Native.ELOOP)
        {
            throw PlatformException.InvalidArgument($"the archive has a name the kernel refuses: {e.Message}");
        }
    }

    private static Stream Uncompressed(FileStream file, ArchiveRules rules) => IsGzip(file) ? new GzipLimitStream(file, rules) : file;

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }
}
