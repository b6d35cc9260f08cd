namespace Platform.Bench;

/// <summary>Tidying the temporary folders the benchmark and the references it starts leave.</summary>
public static class Mounts
{
    /// <summary>Unmounts whatever is still mounted under <paramref name="folder"/> (deepest first), so deleting it cannot reach through a mount.</summary>
    public static void UnmountUnder(string folder)
    {
        var prefix = Path.GetFullPath(folder).TrimEnd('/') + "/";
        var targets = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " "))
            .Where(target => target.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(target => target.Length)
            .ToList();
        foreach (var target in targets)
            Commands.RunAsync("umount", ["-l", target], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"# could not remove {folder}: {e.Message}");
        }
    }

    /// <summary>Removes <paramref name="folder"/> and the folders under it, deepest first, as long as they are empty (rmdir only).</summary>
    public static void RemoveEmptyFolders(string folder)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (var child in Directory.GetDirectories(folder))
            RemoveEmptyFolders(child);
        try
        {
            Directory.Delete(folder, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"# left {folder}: {e.Message}");
        }
    }
}
