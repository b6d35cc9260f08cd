using System.Formats.Tar;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Cp;

/// <summary>
/// Unpacks a tar stream a container sent into a new local folder: folders, regular files, symlinks (made as given:
/// their targets are data, as docker copies them) and hard links (as copies); devices and FIFOs are skipped. A name
/// with <c>..</c>, or one that goes through a link the archive made, is refused, so nothing is written outside.
/// </summary>
internal static class LocalTarExtract
{
    public static async Task ExtractAsync(Stream tar, string folder, CancellationToken ct)
    {
        await using var reader = new TarReader(tar, leaveOpen: true);
        var folders = new List<(string Path, UnixFileMode Mode)>();
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (Below(folder, entry.Name) is not { } path)
                continue;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    folders.Add((path, entry.Mode));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Clear(path);
                    await entry.ExtractToFileAsync(path, overwrite: false, ct);
                    break;
                case TarEntryType.SymbolicLink:
                    Clear(path);
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    var target = Below(folder, entry.LinkName) ?? throw PlatformException.InvalidArgument($"cp: archive entry {entry.Name} links to the top folder");
                    Clear(path);
                    File.Copy(target, path);
                    break;
            }
        }
        // Folders last: writing into one would change a read-only one's contents or its time.
        foreach (var (path, mode) in folders)
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>The local path of an entry; null for the folder itself. Refuses <c>..</c> and names through links.</summary>
    private static string? Below(string folder, string name)
    {
        var parts = name.Split('/').Where(p => p is not ("" or ".")).ToArray();
        if (parts.Contains(".."))
            throw PlatformException.InvalidArgument($"cp: archive entry {name} climbs out with '..'");
        if (parts.Length == 0)
            return null;
        var path = folder;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            path = Path.Combine(path, parts[i]);
            if (new FileInfo(path).LinkTarget is not null)
                throw PlatformException.InvalidArgument($"cp: archive entry {name} goes through a link");
            Directory.CreateDirectory(path);
        }
        return Path.Combine(path, parts[^1]);
    }

    private static void Clear(string path)
    {
        if (new FileInfo(path).LinkTarget is not null || File.Exists(path))
            File.Delete(path);
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }
}
