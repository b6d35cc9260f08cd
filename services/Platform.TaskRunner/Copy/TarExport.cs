using System.Formats.Tar;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// Writes a file or folder tree as a tar stream (PAX), its top entry named <c>name</c>: folders are walked without
/// following links (a link is written as a link, its target is data), and nothing is read through a link.
/// </summary>
internal static class TarExport
{
    // The defaults skip "hidden" entries, which on Unix means every name starting with '.'.
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    public static async Task WriteAsync(string hostPath, string name, Stream output, CancellationToken ct)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await AddAsync(writer, hostPath, name, ct);
    }

    private static async Task AddAsync(TarWriter writer, string hostPath, string entryName, CancellationToken ct)
    {
        await writer.WriteEntryAsync(hostPath, entryName, ct);
        var info = new DirectoryInfo(hostPath);
        if (info.LinkTarget is not null || !info.Exists)
            return;
        foreach (var child in info.EnumerateFileSystemInfos("*", AllEntries).OrderBy(c => c.Name, StringComparer.Ordinal))
            await AddAsync(writer, child.FullName, entryName + "/" + child.Name, ct);
    }
}
