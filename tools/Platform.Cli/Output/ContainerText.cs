using System.Globalization;
using System.Text;
using Platform.Contracts.Containers;

namespace Platform.Cli.Output;

/// <summary>Containers for people: a <c>Key: value</c> block for one, aligned columns for many.</summary>
internal static class ContainerText
{
    private const string None = "-";

    public static Task WriteAsync(TextWriter output, Container container)
    {
        (string Key, string Value)[] fields =
        [
            ("ID", container.Id),
            ("Namespace", container.Namespace),
            ("Image", Or(container.Image)),
            ("Runtime", container.Runtime.Name),
            ("Runtime options", Or(container.Runtime.Options)),
            ("Snapshotter", Or(container.Snapshotter)),
            ("Snapshot key", Or(container.SnapshotKey)),
            ("Labels", Lines(container.Labels)),
            ("Extensions", Lines(container.Extensions)),
            ("Created", Time(container.CreatedAt)),
            ("Updated", Time(container.UpdatedAt)),
            ("Version", container.Version.ToString(CultureInfo.InvariantCulture)),
            ("Spec", container.Spec),
        ];
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

    public static Task WriteAsync(TextWriter output, IEnumerable<Container> containers) =>
        TextTable.WriteAsync(output, ["ID", "IMAGE", "RUNTIME", "LABELS", "VERSION"],
            containers.Select(c => new[]
            {
                c.Id, Or(c.Image), c.Runtime.Name, Or(Joined(c.Labels)), c.Version.ToString(CultureInfo.InvariantCulture),
            }));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Or(string? value) => string.IsNullOrEmpty(value) ? None : value;

    private static string Joined(IReadOnlyDictionary<string, string> map) =>
        string.Join(',', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Lines(IReadOnlyDictionary<string, string> map) =>
        map.Count == 0 ? None : string.Join('\n', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
