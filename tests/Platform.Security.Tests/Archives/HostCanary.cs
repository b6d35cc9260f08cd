using System.Security.Cryptography;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// A corner of the host that hostile archives aim at: a temp folder (outside every snapshot root) with a folder, files
/// and their modes, plus host files watched in place (<c>/etc/passwd</c>). Its whole state is recorded at the start, down
/// to link counts and change times (any chmod or chown, even to the same value, moves a ctime; a hard link moves a link
/// count), and <see cref="AssertUntouched"/> compares it again.
/// </summary>
internal sealed class HostCanary : IDisposable
{
    private static readonly string[] Watched = ["/etc/passwd", "/etc/shadow"];
    private readonly List<string> _before;

    public HostCanary()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"platform-canary-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        File.WriteAllText(FilePath, "canary\n");
        File.WriteAllText(System.IO.Path.Combine(Folder, "file"), "canary in a folder\n");
        SetMode(Path, (UnixFileMode)0b111_101_101);
        SetMode(Folder, (UnixFileMode)0b111_101_000);
        SetMode(FilePath, (UnixFileMode)0b110_000_000);
        SetMode(System.IO.Path.Combine(Folder, "file"), (UnixFileMode)0b110_100_000);
        _before = Describe();
    }

    /// <summary>The canary's own folder (mode 0755).</summary>
    public string Path { get; }

    /// <summary>A folder in it (mode 0750) holding <c>file</c>.</summary>
    public string Folder => System.IO.Path.Combine(Path, "dir");

    /// <summary>A file in it (mode 0600, "canary\n").</summary>
    public string FilePath => System.IO.Path.Combine(Path, "file");

    /// <summary>Enough <c>../</c> to climb from any snapshot root to <c>/</c>, followed by the canary's path: a relative way out.</summary>
    public string FromAnyRoot(string below = "") => string.Concat(Enumerable.Repeat("../", 40)) + Path.TrimStart('/') + (below.Length > 0 ? "/" + below : "");

    public void AssertUntouched() => Assert.Equal(_before, Describe());

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("snapshots are Linux folders");
        File.SetUnixFileMode(path, mode);
    }

    private List<string> Describe()
    {
        var lines = new List<string>();
        foreach (var path in Watched.Where(File.Exists))
            lines.Add(Line(path));
        var pending = new Stack<string>([Path]);
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            lines.Add(Line(path));
            if (HostStat.Of(path).Type == HostStat.Directory)
                foreach (var child in Directory.GetFileSystemEntries(path).Order(StringComparer.Ordinal))
                    pending.Push(child);
        }
        return lines;
    }

    private static string Line(string path)
    {
        var s = HostStat.Of(path);
        var content = s.Type == HostStat.Regular ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : "";
        return $"{path} type={s.Type:x} mode={Convert.ToString(s.Mode, 8)} owner={s.Uid}:{s.Gid} links={s.Links} size={s.Size} mtime={s.Mtime} ctime={s.Ctime} {content}";
    }
}
