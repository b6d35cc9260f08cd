using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// Unpacks a tar archive (gzip detected by its magic bytes) into a folder, streaming: directories, regular
/// files, symlinks and hard links with their modes, owners and times. Entries that would land outside the
/// folder are refused, and a truncated or corrupt archive is an InvalidArgument, never a half-made snapshot
/// (the caller removes the folder).
/// </summary>
public static class TarUnpacker
{
    public static async Task UnpackAsync(string archive, string destination, CancellationToken ct)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        try
        {
            await using var file = File.OpenRead(archive);
            await using var input = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            await using var reader = new TarReader(input);
            var directories = new List<(string Path, TarEntry Entry)>();
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                var target = Resolve(root, entry.Name);
                if (target is null)
                    continue;
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
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
        return full;
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
            Drivers.LinuxCalls.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
        if (link)
            return;
        Drivers.LinuxCalls.SetMode(path, entry.Mode);
        File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);
}
