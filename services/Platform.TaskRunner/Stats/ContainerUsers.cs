using System.Globalization;

namespace Platform.TaskRunner.Stats;

/// <summary>
/// User names from a task's own <c>/etc/passwd</c>, read through <c>/proc/&lt;pid&gt;/root</c>. A symlink there would be
/// followed from the runner's root, not the container's, so a linked <c>/etc</c> or <c>/etc/passwd</c> is not read.
/// </summary>
internal static class ContainerUsers
{
    public static Func<int, string?> Of(string procRoot, int pid)
    {
        var root = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "root");
        var etc = Path.Combine(root, "etc");
        var passwd = Path.Combine(etc, "passwd");
        var names = new Dictionary<int, string>();
        try
        {
            if (!IsLink(etc) && !IsLink(passwd) && new FileInfo(passwd).Length < 1 << 20)
                names = Parse(File.ReadAllText(passwd));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // no names: numeric ids
        }
        return uid => names.GetValueOrDefault(uid);
    }

    public static Dictionary<int, string> Parse(string passwd)
    {
        var names = new Dictionary<int, string>();
        foreach (var line in passwd.Split('\n'))
        {
            var parts = line.Split(':');
            if (parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                names.TryAdd(uid, parts[0]);
        }
        return names;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;
}
