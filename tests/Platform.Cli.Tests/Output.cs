using System.Text.Json;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>Reads what platformctl printed.</summary>
public static class Output
{
    /// <summary>A <c>Key: value</c> block; continuation lines join their key's value with '\n'.</summary>
    public static Dictionary<string, string> Block(string text)
    {
        var block = new Dictionary<string, string>();
        string? key = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(' '))
            {
                Assert.NotNull(key);
                block[key] += "\n" + line.Trim();
                continue;
            }
            var colon = line.IndexOf(':');
            key = line[..colon];
            block[key] = line[(colon + 1)..].Trim();
        }
        return block;
    }

    /// <summary>The rows of an aligned table, each cell trimmed; the header row is checked and left out.</summary>
    public static List<string[]> Table(string text, params string[] header)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var starts = header.Select(h => lines[0].IndexOf(h, StringComparison.Ordinal)).ToArray();
        return lines.Skip(1)
            .Select(line => starts.Select((start, i) =>
                (i + 1 < starts.Length ? line[start..starts[i + 1]] : line[start..]).Trim()).ToArray())
            .ToList();
    }

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    public static Dictionary<string, string> Map(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}
