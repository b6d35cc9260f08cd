using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.Win32.SafeHandles;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>The files of an archive by their path inside it (<c>blobs/sha256/…</c>, <c>manifest.json</c>).</summary>
internal interface IArchiveSource : IDisposable
{
    /// <summary>The archive as the user named it, for messages.</summary>
    string Location { get; }

    /// <summary>The size of a regular file, following links; false when there is none by that name.</summary>
    bool TryGetSize(string name, out long size);

    /// <summary>Opens a file that <see cref="TryGetSize"/> found.</summary>
    Stream Open(string name);

    /// <summary>A few names, for the message that says what the archive holds instead of what was expected.</summary>
    IEnumerable<string> SampleNames();
}

internal static class ArchiveSourceExtensions
{
    /// <summary>Reads a small JSON document whole; InvalidArgument when it is missing or implausibly large.</summary>
    public static async Task<byte[]> ReadDocumentAsync(this IArchiveSource source, string name, string why, CancellationToken cancellationToken)
    {
        if (!source.TryGetSize(name, out var size))
            throw PlatformException.InvalidArgument($"{source.Location}: {name} is missing ({why})");
        if (size > OciJson.MaxDocumentBytes)
            throw PlatformException.InvalidArgument($"{source.Location}: {name} is {size} bytes, more than the {OciJson.MaxDocumentBytes} a JSON document may have");
        var bytes = new byte[size];
        await using var stream = source.Open(name);
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}

/// <summary>Archive paths as written by tar and by manifest.json: relative, <c>/</c>-separated, never leaving the root.</summary>
internal static class ArchivePath
{
    /// <summary>The canonical form (<c>./a//b/../c</c> → <c>a/c</c>), or null when the path climbs out of the archive.</summary>
    public static string? Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}

/// <summary>An OCI layout (or an unpacked docker save) in a folder.</summary>
internal sealed class DirectorySource(string root) : IArchiveSource
{
    private readonly string root = Path.GetFullPath(root);

    public string Location => root;

    public bool TryGetSize(string name, out long size)
    {
        size = 0;
        var full = Resolve(name);
        if (full is null)
            return false;
        var info = new FileInfo(full);
        if (!info.Exists)
            return false;
        size = info.Length;
        return true;
    }

    public Stream Open(string name) =>
        new FileStream(Resolve(name) ?? throw new FileNotFoundException(name), FileMode.Open, FileAccess.Read, FileShare.Read,
            bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public IEnumerable<string> SampleNames() =>
        Directory.EnumerateFileSystemEntries(root).Select(p => Path.GetRelativePath(root, p)).Order().Take(10);

    private string? Resolve(string name)
    {
        var relative = ArchivePath.Normalize(name);
        return relative is null or "" ? null : Path.Combine(root, relative);
    }

    public void Dispose() { }
}

/// <summary>
/// A tar, indexed once: every regular file's data offset and size, and every link's target. Files are then read
/// through positional windows over one open handle, so nothing is extracted and blobs can be read concurrently.
/// A gzip-compressed tar is first decompressed to a temporary file (deleted when the source is disposed), because
/// gzip cannot be read from the middle.
/// </summary>
internal sealed class TarSource : IArchiveSource
{
    private const int MaxLinkHops = 16;

    private readonly FileStream file;
    private readonly Dictionary<string, (long Offset, long Size)> files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> links = new(StringComparer.Ordinal);

    private TarSource(string location, FileStream file)
    {
        Location = location;
        this.file = file;
    }

    public string Location { get; }

    /// <summary>Whether the archive was gzip-compressed (and is read from a decompressed temporary copy).</summary>
    public bool WasCompressed { get; private init; }

    public static async Task<TarSource> OpenAsync(string path, string? temporaryDirectory, CancellationToken cancellationToken)
    {
        var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        var magic = new byte[4];
        var got = await input.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken);
        input.Position = 0;
        var owned = input;
        try
        {
            TarSource source;
            if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                owned = await DecompressAsync(input, path, temporaryDirectory, cancellationToken);
                await input.DisposeAsync();
                source = new TarSource(path, owned) { WasCompressed = true };
            }
            else if (got >= 4 && magic is [0x28, 0xb5, 0x2f, 0xfd])
            {
                throw PlatformException.InvalidArgument($"{path}: a zstd-compressed archive; decompress it first (zstd -d) or give a tar or tar.gz");
            }
            else
            {
                source = new TarSource(path, input);
            }
            source.Index();
            return source;
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    private static async Task<FileStream> DecompressAsync(FileStream input, string path, string? temporaryDirectory, CancellationToken cancellationToken)
    {
        var directory = temporaryDirectory ?? Path.GetTempPath();
        var temporaryPath = Path.Combine(directory, $"platform-archive-{Guid.NewGuid():N}.tar");
        var temporary = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await using (var gzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true))
                await gzip.CopyToAsync(temporary, cancellationToken);
            await temporary.FlushAsync(cancellationToken);
            temporary.Position = 0;
            return temporary;
        }
        catch (InvalidDataException e)
        {
            await temporary.DisposeAsync();
            throw PlatformException.InvalidArgument($"{path}: starts like gzip but does not decompress: {e.Message}");
        }
        catch
        {
            await temporary.DisposeAsync();
            throw;
        }
    }

    private void Index()
    {
        file.Position = 0;
        var entries = 0;
        try
        {
            using var reader = new TarReader(file, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                entries++;
                var name = ArchivePath.Normalize(entry.Name);
                if (name is null or "")
                    continue;
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        files[name] = (entry.DataOffset, entry.Length);
                        links.Remove(name);
                        break;
                    case TarEntryType.SymbolicLink:
                        var target = entry.LinkName.StartsWith('/') ? entry.LinkName : $"{ArchivePath.Parent(name)}/{entry.LinkName}";
                        if (ArchivePath.Normalize(target) is { } resolved)
                            links[name] = resolved;
                        files.Remove(name);
                        break;
                    case TarEntryType.HardLink:
                        if (ArchivePath.Normalize(entry.LinkName) is { } linked)
                            links[name] = linked;
                        files.Remove(name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw PlatformException.InvalidArgument(entries == 0
                ? $"{Location}: not a tar archive, a gzip-compressed tar, or an OCI layout folder ({e.Message})"
                : $"{Location}: the tar is corrupt after {entries} entries: {e.Message}");
        }
        if (entries == 0)
            throw PlatformException.InvalidArgument($"{Location}: not a tar archive (no entries), a gzip-compressed tar, or an OCI layout folder");
    }

    public bool TryGetSize(string name, out long size)
    {
        size = 0;
        if (Find(name) is not { } entry)
            return false;
        size = entry.Size;
        return true;
    }

    public Stream Open(string name)
    {
        var entry = Find(name) ?? throw new FileNotFoundException($"{Location}: {name}");
        return new FileWindowStream(file.SafeFileHandle, entry.Offset, entry.Size);
    }

    public IEnumerable<string> SampleNames() => files.Keys.Concat(links.Keys).Order().Take(10);

    private (long Offset, long Size)? Find(string name)
    {
        var current = ArchivePath.Normalize(name);
        for (var hop = 0; current is not null && hop <= MaxLinkHops; hop++)
        {
            if (files.TryGetValue(current, out var entry))
                return entry;
            if (!links.TryGetValue(current, out current))
                return null;
        }
        return null;
    }

    public void Dispose() => file.Dispose();
}
