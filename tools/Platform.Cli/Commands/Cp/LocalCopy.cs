using System.Formats.Tar;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Cp;

/// <summary>
/// The local side of <c>cp</c>: a file or folder as a tar stream with its base name as the top entry (links stay links,
/// never followed), and a received stream put in place with docker's rules: into an existing folder under its own
/// name, onto a missing path or an existing file under the destination's name; a folder onto a file is refused.
/// </summary>
internal static class LocalCopy
{
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    /// <summary>The tar of <paramref name="path"/> (its contents only for <c>DIR/.</c>); the top entry's name (null for contents) and kind.</summary>
    public static async Task<(string? Name, bool IsDirectory)> WriteTarAsync(string path, bool contentsOnly, Stream output, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/");
        var isLink = info.LinkTarget is not null;
        var isFolder = !isLink && Directory.Exists(info.FullName);
        if (!isLink && !isFolder && !info.Exists)
            throw PlatformException.NotFound($"cp: {path}: no such file or folder");
        if ((contentsOnly || path.EndsWith('/')) && !isFolder)
            throw PlatformException.InvalidArgument($"cp: {path}: not a folder");
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        if (contentsOnly)
        {
            foreach (var child in Children(info.FullName))
                await AddAsync(writer, child.FullName, child.Name, ct);
            return (null, true);
        }
        await AddAsync(writer, info.FullName, info.Name, ct);
        return (info.Name, isFolder);
    }

    private static IEnumerable<FileSystemInfo> Children(string folder) =>
        new DirectoryInfo(folder).EnumerateFileSystemInfos("*", AllEntries).OrderBy(c => c.Name, StringComparer.Ordinal);

    private static async Task AddAsync(TarWriter writer, string hostPath, string entryName, CancellationToken ct)
    {
        await writer.WriteEntryAsync(hostPath, entryName, ct);
        var info = new DirectoryInfo(hostPath);
        if (info.LinkTarget is not null || !info.Exists)
            return;
        foreach (var child in Children(hostPath))
            await AddAsync(writer, child.FullName, entryName + "/" + child.Name, ct);
    }

    /// <summary>
    /// Puts the received tar (top entry <paramref name="name"/>) at <paramref name="destination"/>. It is unpacked first
    /// into a new folder beside the destination (<see cref="LocalTarExtract"/>: nothing lands outside that folder),
    /// then moved into place.
    /// </summary>
    public static async Task PlaceAsync(Stream tar, string name, bool isDirectory, bool contentsOnly, string destination, CancellationToken ct)
    {
        var full = System.IO.Path.GetFullPath(destination);
        var target = full.TrimEnd('/');
        var destinationIsFolder = Directory.Exists(target); // a link to a folder counts as the folder, as in docker
        var destinationExists = destinationIsFolder || File.Exists(target) || new FileInfo(target).LinkTarget is not null;
        if (!destinationExists && destination.EndsWith('/'))
            throw PlatformException.NotFound($"cp: {destination}: no such folder");
        if (destinationExists && !destinationIsFolder && isDirectory)
            throw PlatformException.InvalidArgument($"cp: {destination}: cannot copy a folder onto a file");
        var parent = destinationIsFolder ? target : System.IO.Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent))
            throw PlatformException.NotFound($"cp: {destination}: its folder does not exist");

        var staging = Directory.CreateDirectory(System.IO.Path.Combine(parent, $".platformctl-cp-{Guid.NewGuid():N}")).FullName;
        try
        {
            await LocalTarExtract.ExtractAsync(tar, staging, ct);
            var received = System.IO.Path.Combine(staging, name);
            if (!isDirectory)
                File.Move(received, destinationIsFolder ? System.IO.Path.Combine(target, name) : target, overwrite: true);
            else if (!destinationIsFolder)
                Directory.Move(received, target);
            else
                Merge(received, contentsOnly ? target : System.IO.Path.Combine(target, name));
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Moves a folder's entries into <paramref name="to"/> (made when missing), replacing what is there, merging folders.</summary>
    private static void Merge(string from, string to)
    {
        if (!Directory.Exists(to))
        {
            Directory.Move(from, to);
            return;
        }
        foreach (var child in Children(from).ToList())
        {
            var there = System.IO.Path.Combine(to, child.Name);
            var isFolder = child is DirectoryInfo && child.LinkTarget is null;
            if (isFolder && Directory.Exists(there) && new FileInfo(there).LinkTarget is null)
            {
                Merge(child.FullName, there);
                continue;
            }
            if (Directory.Exists(there) && new FileInfo(there).LinkTarget is null)
                Directory.Delete(there, recursive: true);
            else if (File.Exists(there) || new FileInfo(there).LinkTarget is not null)
                File.Delete(there);
            if (isFolder)
                Directory.Move(child.FullName, there);
            else
                File.Move(child.FullName, there);
        }
    }
}
