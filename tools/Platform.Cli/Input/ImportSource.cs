using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>
/// The <c>--from</c> of <c>snapshots import</c>: a folder, archived into a temporary tar first, or a tar / tar.gz file
/// recognised by its content and sent as it is. Either way a seekable stream: the client reads it twice (hash, send).
/// </summary>
internal static class ImportSource
{
    /// <exception cref="PlatformException">InvalidArgument naming the path when it does not exist, can't be read or is no archive.</exception>
    public static async Task<Stream> OpenAsync(string path, CancellationToken cancellationToken, string what = "--from")
    {
        if (Directory.Exists(path))
            return await DirectoryTar.CreateTempAsync(path, cancellationToken);
        if (!File.Exists(path))
            throw PlatformException.InvalidArgument($"{what} \"{path}\" does not exist");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PlatformException.InvalidArgument($"{what} \"{path}\" cannot be read: {e.Message}");
        }
        try
        {
            if (!file.CanSeek || !ArchiveFormat.IsTar(file))
                throw PlatformException.InvalidArgument($"{what} \"{path}\" is neither a folder nor a tar or gzip-compressed tar archive");
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
