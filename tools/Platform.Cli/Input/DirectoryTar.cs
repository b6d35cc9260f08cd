using System.Formats.Tar;
using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>
/// A folder as a tar archive (PAX), entries named relative to the folder, in name order so the same folder gives
/// the same archive. Each entry keeps its type, mode, owner (uid, gid and names) and times as the filesystem has
/// them; symbolic links stay links and are never followed. Hard-linked files are stored as separate copies.
/// </summary>
internal static class DirectoryTar
{
    private static readonly EnumerationOptions AllEntries = new()
    {
        // The defaults skip "hidden" entries, which on Unix means every name starting with '.'.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Writes the archive of <paramref name="directory"/> to a new temporary file and returns it, positioned at the
    /// start. The file is unlinked as soon as it is open, so it vanishes when the stream is closed, whatever happens
    /// to this process.
    /// </summary>
    public static async Task<FileStream> CreateTempAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platformctl-import-{Guid.NewGuid():N}.tar");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            File.Delete(path);
            await WriteAsync(directory, file, cancellationToken);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <exception cref="PlatformException">InvalidArgument naming an entry that can't be read or archived (a socket).</exception>
    public static async Task WriteAsync(string directory, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await WriteFolderAsync(writer, new DirectoryInfo(directory), "", cancellationToken);
    }

    private static async Task WriteFolderAsync(TarWriter writer, DirectoryInfo folder, string prefix, CancellationToken cancellationToken)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = [.. folder.EnumerateFileSystemInfos("*", AllEntries).OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PlatformException.InvalidArgument($"--from folder {folder.FullName} cannot be read: {e.Message}");
        }
        foreach (var entry in entries)
        {
            var name = prefix + entry.Name;
            try
            {
                await writer.WriteEntryAsync(entry.FullName, name, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw PlatformException.InvalidArgument($"--from entry {entry.FullName} cannot be archived: {e.Message}");
            }
            if (entry is DirectoryInfo subfolder && entry.LinkTarget is null)
                await WriteFolderAsync(writer, subfolder, name + "/", cancellationToken);
        }
    }
}
