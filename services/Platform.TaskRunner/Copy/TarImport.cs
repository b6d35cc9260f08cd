using System.Formats.Tar;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.ResourceGc.Import;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// Unpacks an uploaded tar stream into a container's root with docker's rules for the destination: into an existing
/// folder as it is; onto a missing or file destination under the destination's name (a folder onto a file is refused,
/// a destination ending in <c>/</c> must be a folder). The unpacking itself is the layer unpacker's
/// (<see cref="TarUnpacker"/>): every entry's name is resolved below the destination without following a link, so
/// <c>..</c>, absolute names and planted links can't write outside it.
/// </summary>
internal static class TarImport
{
    public static async Task UnpackAsync(string root, string tarFile, CopyToTask request, ArchiveRules rules, CancellationToken ct)
    {
        var destination = request.Path is { Length: > 0 } given ? given : throw PlatformException.InvalidArgument("path is required");
        var mustBeFolder = destination.EndsWith('/') || destination.EndsWith("/.", StringComparison.Ordinal);
        var hostDestination = ContainerPath.Resolve(root, destination, followLast: true);
        var isFolder = Directory.Exists(hostDestination);
        if (isFolder || request.SourceName is null)
        {
            if (!isFolder)
                throw PlatformException.InvalidArgument($"path {destination}: a tar stream is unpacked into a folder, and this is not an existing folder");
            await using var file = File.OpenRead(tarFile);
            await TarUnpacker.UnpackAsync(file, hostDestination, Whiteouts.Drop, rules, ct);
            return;
        }
        if (mustBeFolder)
            throw PlatformException.NotFound($"path {destination}: no such folder in the container");
        if (File.Exists(hostDestination) && request.SourceIsDirectory)
            throw PlatformException.InvalidArgument($"path {destination}: cannot copy a folder onto a file");
        var parent = ContainerPath.Resolve(root, ParentOf(destination), followLast: true);
        if (!Directory.Exists(parent))
            throw PlatformException.NotFound($"path {destination}: its folder does not exist in the container");

        // Copied under another name: the top entry (and what is below it) is renamed in a second stream.
        var renamed = tarFile + ".renamed";
        try
        {
            await RenameAsync(tarFile, renamed, request.SourceName, ContainerPath.BaseName(destination), ct);
            await using var file = File.OpenRead(renamed);
            await TarUnpacker.UnpackAsync(file, parent, Whiteouts.Drop, rules, ct);
        }
        finally
        {
            File.Delete(renamed);
        }
    }

    private static string ParentOf(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    private static async Task RenameAsync(string from, string to, string oldName, string newName, CancellationToken ct)
    {
        await using var input = File.OpenRead(from);
        await using var output = File.Create(to);
        try
        {
            await using var reader = new TarReader(input);
            await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                entry.Name = Renamed(entry.Name, oldName, newName)
                             ?? throw PlatformException.InvalidArgument($"archive entry {entry.Name} is not below its top entry {oldName}");
                if (entry.EntryType == TarEntryType.HardLink && Renamed(entry.LinkName, oldName, newName) is { } link)
                    entry.LinkName = link;
                await writer.WriteEntryAsync(entry, ct);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw PlatformException.InvalidArgument($"the archive is truncated or corrupt: {e.Message}");
        }
    }

    private static string? Renamed(string name, string oldName, string newName)
    {
        var trimmed = name.TrimStart('/');
        if (trimmed.StartsWith("./", StringComparison.Ordinal))
            trimmed = trimmed[2..];
        if (trimmed.TrimEnd('/') == oldName)
            return newName + (trimmed.EndsWith('/') ? "/" : "");
        return trimmed.StartsWith(oldName + "/", StringComparison.Ordinal) ? newName + trimmed[oldName.Length..] : null;
    }
}
