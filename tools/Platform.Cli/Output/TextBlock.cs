using System.Text;

namespace Platform.Cli.Output;

/// <summary>One object for people: <c>Key: value</c> lines, values aligned, continuation lines indented under their value.</summary>
internal static class TextBlock
{
    public const string None = "-";

    public static Task WriteAsync(TextWriter output, IReadOnlyList<(string Key, string Value)> fields)
    {
        var width = fields.Max(f => f.Key.Length) + 2;
        var text = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            var lines = value.ReplaceLineEndings("\n").Split('\n');
            text.Append((key + ":").PadRight(width)).Append(lines[0]).Append('\n');
            foreach (var line in lines.Skip(1))
                text.Append(' ', width).Append(line).Append('\n');
        }
        return output.WriteAsync(text.ToString());
    }

    public static string Or(string? value) => string.IsNullOrEmpty(value) ? None : value;

    /// <summary>Labels on one line, for table cells: <c>a=1,b=2</c> in key order, or <c>-</c>.</summary>
    public static string Joined(IReadOnlyDictionary<string, string> map) =>
        map.Count == 0 ? None : string.Join(',', Sorted(map).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>Labels one per line, for blocks, or <c>-</c>.</summary>
    public static string Lines(IReadOnlyDictionary<string, string> map) =>
        map.Count == 0 ? None : string.Join('\n', Sorted(map).Select(kv => $"{kv.Key}={kv.Value}"));

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string> map) =>
        map.OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
