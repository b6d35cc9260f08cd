using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Whether the kernel's OOM killer killed a process of a task: the <c>oom_kill</c> counter of the task's memory cgroup
/// (the bundle's <c>linux.cgroupsPath</c>, which runc uses as a cgroupfs path). cgroup v1 keeps it in
/// <c>memory.oom_control</c> of the memory hierarchy, v2 in <c>memory.events</c> of the unified one. runc removes the
/// cgroup only at <c>delete</c>, so the counter is there when the exit is read, before cleanup.
/// </summary>
internal sealed class CgroupOom(ConmonLayout layout, string hierarchies = CgroupOom.Hierarchies)
{
    public const string Hierarchies = "/sys/fs/cgroup";

    /// <summary><paramref name="exit"/>, marked OOM-killed when the task's cgroup counted an OOM kill.</summary>
    public ProcessExit Annotate(TaskHandle task, ProcessExit exit) =>
        exit.OomKilled || !(Count(task) > 0) ? exit : exit with { OomKilled = true };

    /// <summary>The cgroup's OOM kill count; null when the cgroup (or its counter) is not there.</summary>
    public long? Count(TaskHandle task)
    {
        if (CgroupsPath(task) is not { } path)
            return null;
        var relative = path.TrimStart('/');
        return IsUnified(hierarchies)
            ? Counter(ReadText(Path.Combine(hierarchies, relative, "memory.events")), "oom_kill")
            : Counter(ReadText(Path.Combine(hierarchies, "memory", relative, "memory.oom_control")), "oom_kill");
    }

    /// <summary>Whether <paramref name="root"/> is the v2 unified hierarchy (else v1's per-controller ones, as on hybrid hosts).</summary>
    public static bool IsUnified(string root) => File.Exists(Path.Combine(root, "cgroup.controllers"));

    /// <summary>
    /// The value of <paramref name="key"/> in a flat-keyed cgroup file (<c>KEY VALUE</c> per line: v1's
    /// <c>memory.oom_control</c>, v2's <c>memory.events</c>); null when the file or the key is missing.
    /// </summary>
    public static long? Counter(string? text, string key)
    {
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return null;
    }

    /// <summary>The cgroupsPath the bundle gave runc (systemd's <c>slice:prefix:name</c> form is not a path: null).</summary>
    public string? CgroupsPath(TaskHandle task)
    {
        var text = ReadText(layout.ConfigFile(task));
        if (text is null)
            return null;
        try
        {
            return JsonNode.Parse(text)?["linux"]?["cgroupsPath"] is JsonValue value && value.TryGetValue<string>(out var path) &&
                   path.StartsWith('/') && !path.Contains("..", StringComparison.Ordinal)
                ? path
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadText(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
