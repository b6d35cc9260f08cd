using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// <c>root.path</c> and <c>mounts</c>: the root is the container's snapshot; a bind mount comes from an allowed host
/// folder and is <c>nosuid,nodev</c>; any other mount is a kernel pseudo file system (whose source is only a label), proc
/// only at /proc (where the masked paths cover it), sysfs and cgroup read-only.
/// </summary>
internal static class MountRules
{
    public static void Check(JsonElement spec, PolicyContext context, SpecReader reader)
    {
        RootPath(spec, context, reader);
        if (reader.Array(spec, "mounts", "mounts") is not { } mounts)
            return;
        foreach (var (index, mount) in reader.Objects(mounts, "mounts"))
            Mount(mount, $"mounts[{index}]", context, reader);
    }

    private static void RootPath(JsonElement spec, PolicyContext context, SpecReader reader)
    {
        var path = reader.Object(spec, "root", "root") is { } root ? reader.String(root, "path", "root.path") : null;
        if (!context.HasSnapshot)
            reader.Deny("root.path", path is null
                ? "the container has no snapshot, so its root would be a folder of the host"
                : $"\"{path}\" is a folder of the host; the container has no snapshot of its own");
        else if (path is not null && path != RuntimeDefaults.SnapshotRootPath)
            reader.Deny("root.path", $"\"{path}\" is not the container's snapshot (\"{RuntimeDefaults.SnapshotRootPath}\", where the runner mounts it)");
    }

    private static void Mount(JsonElement mount, string field, PolicyContext context, SpecReader reader)
    {
        var destination = reader.String(mount, "destination", $"{field}.destination");
        var type = reader.String(mount, "type", $"{field}.type");
        var source = reader.String(mount, "source", $"{field}.source");
        var options = reader.Array(mount, "options", $"{field}.options") is { } list
            ? reader.Strings(list, $"{field}.options").Select(o => o.Value).ToList()
            : [];

        // runc bind-mounts whatever has a bind option, whatever its type says.
        if (type == "bind" || options.Contains("bind") || options.Contains("rbind"))
        {
            BindSource(source, $"{field}.source", context, reader);
            BindOptions(options, $"{field}.options", reader);
            return;
        }
        if (type is null || !RuntimeDefaults.MountTypes.Contains(type))
        {
            reader.Deny($"{field}.type", $"{(type is null ? "a mount without a type" : $"\"{type}\"")} is not allowed; besides bind mounts only {string.Join(", ", RuntimeDefaults.MountTypes)}");
            return;
        }
        if (type == "proc" && (destination is null || Lexical(destination) != "/proc"))
            reader.Deny($"{field}.destination", $"proc is only mounted at /proc, where the masked and read-only paths cover it (not at {destination})");
        if (type is "sysfs" or "cgroup" or "cgroup2" && Last(options, "ro", "rw") != "ro")
            reader.Deny($"{field}.options", $"{type} must be mounted read-only (ro)");
    }

    private static void BindSource(string? source, string field, PolicyContext context, SpecReader reader)
    {
        if (string.IsNullOrEmpty(source) || !source.StartsWith('/'))
        {
            reader.Deny(field, $"a bind source must be an absolute path of the host (got \"{source}\")");
            return;
        }
        var lexical = Lexical(source);
        var real = context.ResolveHostPath?.Invoke(lexical) ?? lexical;
        if (Allowed(lexical, context) && Allowed(real, context))
            return;
        var allowed = context.AllowedBindSources.Count == 0 ? "none are configured" : string.Join(", ", context.AllowedBindSources);
        var reaches = real != lexical ? $" (it is {real})" : "";
        reader.Deny(field, $"{source}{reaches} is outside the allowed bind sources ({allowed})");
    }

    private static void BindOptions(List<string> options, string field, SpecReader reader)
    {
        // runc applies options in order (a later "suid" undoes "nosuid"), and "rsuid"/"rdev" clear them on the whole tree.
        var missing = new List<string>();
        if (Last(options, "nosuid", "suid") != "nosuid" || options.Contains("rsuid"))
            missing.Add("nosuid");
        if (Last(options, "nodev", "dev") != "nodev" || options.Contains("rdev"))
            missing.Add("nodev");
        if (missing.Count > 0)
            reader.Deny(field, $"a bind mount must be {string.Join(",", RuntimeDefaults.BindOptions)} (missing or undone: {string.Join(",", missing)})");
    }

    private static bool Allowed(string path, PolicyContext context) =>
        context.AllowedBindSources.Select(Lexical).Any(folder =>
            folder == "/" || path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal))
        || (context.VolumesRoot is { Length: > 0 } volumes && path.StartsWith(Lexical(volumes + "/" + context.Namespace) + "/", StringComparison.Ordinal));

    /// <summary>The path with <c>.</c>, <c>..</c> and repeated slashes resolved as text (the disk is not asked).</summary>
    internal static string Lexical(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Whichever of two opposite options comes last (null when neither is given).</summary>
    private static string? Last(List<string> options, string one, string other) =>
        options.LastOrDefault(o => o == one || o == other);
}
