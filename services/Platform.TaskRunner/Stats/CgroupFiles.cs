using System.Globalization;

namespace Platform.TaskRunner.Stats;

/// <summary>Reading cgroup files: one number, <c>max</c>, flat <c>KEY VALUE</c> lines. A file that is gone reads as null.</summary>
internal static class CgroupFiles
{
    public static string? Read(string file)
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

    /// <summary>The file's single number; null when absent, unreadable or <c>max</c> (unlimited).</summary>
    public static long? Number(string file) => Parse(Read(file)?.Trim());

    public static long? Parse(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The keys and values of a flat-keyed file (<c>memory.stat</c>, <c>cpu.stat</c>); empty when absent.</summary>
    public static Dictionary<string, long> Keyed(string file)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (Read(file) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && Parse(parts[1]) is { } value)
                values[parts[0]] = value;
        }
        return values;
    }

    /// <summary>Usage minus inactive file cache, as docker shows it (the cache the kernel can drop at once isn't "used").</summary>
    public static long? WithoutInactiveFile(long? usage, long? inactiveFile) =>
        usage is { } u && inactiveFile is { } i && i < u ? u - i : usage;
}
