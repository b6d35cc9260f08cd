using System.Text;

namespace Platform.Hosting.Storage;

/// <summary>
/// What Platform keeps on disk is its own user's alone: folders 0700, files 0600. Bundles hold a task's spec and
/// environment, logs its output, the databases both, and snapshot folders hold container files whose owners may
/// collide with host users (containerd's CVE-2021-41103). Modes are given explicitly at creation, never left to the
/// process umask: the umask cannot be tightened instead, because runc inherits it from the task runner and creates
/// mount points inside containers' root filesystems with it, where 077 would lock out a container's non-root user.
/// </summary>
public static class PrivateFiles
{
    /// <summary>0700.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> and its missing ancestors 0700 (whatever the umask); an existing folder keeps its mode.</summary>
    public static string CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; its ancestors get 0777 less the umask.
        var missing = new Stack<string>();
        for (var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
            missing.Push(folder);
        while (missing.TryPop(out var folder))
            Directory.CreateDirectory(folder, FolderMode); // one made meanwhile by another thread is fine
        return path;
    }

    /// <summary>
    /// <see cref="CreateFolder"/>, then <see cref="Tighten"/>: for the roots of what a service keeps, so one left
    /// readable by an older version (or made by hand) is closed on start, as containerd does with its roots.
    /// </summary>
    public static bool EnsureFolder(string path)
    {
        CreateFolder(path);
        return Tighten(path);
    }

    /// <summary>
    /// Takes every group and other permission off an existing file or folder (0755 becomes 0700, 0644 becomes 0600);
    /// true when it had any. Nothing happens when the path does not exist. Follows a symlink: a root that links elsewhere
    /// protects its target.
    /// </summary>
    public static bool Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path))
            return false;
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupAndOthers) == 0)
            return false;
        File.SetUnixFileMode(path, mode & ~GroupAndOthers);
        return true;
    }

    /// <summary>Creates an empty file 0600 when none exists; an existing file is left as it is.</summary>
    public static void CreateFile(string path)
    {
        using (Open(path, System.IO.FileMode.OpenOrCreate))
        {
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to a new or replaced file, created 0600.</summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var stream = Open(path, System.IO.FileMode.Create);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    /// <summary>Appends <paramref name="text"/> (UTF-8) to a file, created 0600 when missing.</summary>
    public static async Task AppendAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var stream = Open(path, System.IO.FileMode.Append);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing; a file it creates is 0600. A file that already exists keeps its mode
    /// (the folders above it are what keeps others out).
    /// </summary>
    public static FileStream Open(string path, System.IO.FileMode mode, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = FileMode;
        return new FileStream(path, options);
    }
}
