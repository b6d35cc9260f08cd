using System.Globalization;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>Reading and removing the small files and folders conmon, runc and the runtime keep under the root.</summary>
internal static class StateFiles
{
    /// <summary>The file's text, or null when it (or its folder) does not exist.</summary>
    public static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A positive number written as the file's only text (a pid file), or null.</summary>
    public static int? ReadInt(string path) =>
        int.TryParse(ReadText(path)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    /// <summary>At most 300 characters of <paramref name="text"/>, for error messages.</summary>
    public static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";

    public static void TryDeleteTree(string dir)
    {
        for (var attempt = 1; Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(20); // a monitor wrote into it meanwhile
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
        }
    }

    public static void TryDeleteEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
        }
        catch (IOException)
        {
            // another task's folder appeared meanwhile
        }
    }
}
