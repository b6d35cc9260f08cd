using Platform.Common.Errors;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// A path inside a container, resolved as the container would resolve it but against its root folder on the host:
/// <c>..</c> stops at the root, and a symlink's target is read and resolved from the container's root (an absolute
/// target starts again at the root, never the host's). Every part is looked at without following anything, so the
/// kernel never resolves a link on the way. What comes out is a host path below the root.
/// </summary>
internal static class ContainerPath
{
    private const int MaxLinks = 40; // the kernel's MAXSYMLINKS

    /// <summary>
    /// The host path of <paramref name="path"/> below <paramref name="root"/>; the last part is left as it is when it
    /// is a link unless <paramref name="followLast"/>. Parts that don't exist are kept as names (the caller checks).
    /// </summary>
    public static string Resolve(string root, string path, bool followLast)
    {
        var pending = new LinkedList<string>(Split(path));
        var resolved = new List<string>();
        var links = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var part = node.Value;
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var target = LinkTarget(Join(root, resolved, part));
            if (target is not null && (pending.Count > 0 || followLast))
            {
                if (++links > MaxLinks)
                    throw PlatformException.InvalidArgument($"path {path}: too many levels of symbolic links");
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (var inner in Split(target).Reverse())
                    pending.AddFirst(inner);
                continue;
            }
            resolved.Add(part);
        }
        return Join(root, resolved, null);
    }

    /// <summary>The container path's last part (<c>/</c> for the root).</summary>
    public static string BaseName(string path)
    {
        var parts = Split(path).Where(p => p is not ("" or ".")).ToList();
        return parts.Count == 0 ? "/" : parts[^1];
    }

    private static string[] Split(string path) => path.Split('/');

    private static string Join(string root, List<string> parts, string? last)
    {
        var all = last is null ? parts : [.. parts, last];
        return all.Count == 0 ? root : root.TrimEnd('/') + "/" + string.Join('/', all);
    }

    private static string? LinkTarget(string hostPath)
    {
        try
        {
            return new FileInfo(hostPath).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
