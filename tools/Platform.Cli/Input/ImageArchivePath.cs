using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>
/// The <c>--input</c> of <c>images load</c>, checked before anything reaches the broker: an OCI layout folder (holding
/// index.json, or a docker save folder holding manifest.json), or a file that is a tar or tar.gz by its content. Only the
/// start is looked at; the loader reads the rest and reports what is wrong inside.
/// </summary>
internal static class ImageArchivePath
{
    /// <exception cref="PlatformException">InvalidArgument naming the path when it does not exist, can't be read or is no archive.</exception>
    public static string Check(string path, string option)
    {
        if (Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, "index.json")) && !File.Exists(Path.Combine(path, "manifest.json")))
                throw PlatformException.InvalidArgument($"{option} \"{path}\" is a folder without index.json (OCI layout) or manifest.json (docker save)");
            return path;
        }
        if (!File.Exists(path))
            throw PlatformException.InvalidArgument($"{option} \"{path}\" does not exist");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (!ArchiveFormat.IsTar(file))
                throw PlatformException.InvalidArgument($"{option} \"{path}\" is neither a folder nor a tar or gzip-compressed tar archive");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PlatformException.InvalidArgument($"{option} \"{path}\" cannot be read: {e.Message}");
        }
        return path;
    }
}
