using System.Globalization;
using Platform.Contracts.Containers;

namespace Platform.Cli.Output;

/// <summary>Containers for people: a <c>Key: value</c> block for one, aligned columns for many.</summary>
internal static class ContainerText
{
    public static Task WriteAsync(TextWriter output, Container container)
    {
        (string Key, string Value)[] fields =
        [
            ("ID", container.Id),
            ("Namespace", container.Namespace),
            ("Image", TextBlock.Or(container.Image)),
            ("Runtime", container.Runtime.Name),
            ("Runtime options", TextBlock.Or(container.Runtime.Options)),
            ("Snapshotter", TextBlock.Or(container.Snapshotter)),
            ("Snapshot key", TextBlock.Or(container.SnapshotKey)),
            ("Labels", TextBlock.Lines(container.Labels)),
            ("Extensions", TextBlock.Lines(container.Extensions)),
            ("Created", Time(container.CreatedAt)),
            ("Updated", Time(container.UpdatedAt)),
            ("Version", container.Version.ToString(CultureInfo.InvariantCulture)),
            ("Spec", container.Spec),
        ];
        return TextBlock.WriteAsync(output, fields);
    }

    public static Task WriteAsync(TextWriter output, IEnumerable<Container> containers) =>
        TextTable.WriteAsync(output, ["ID", "IMAGE", "RUNTIME", "LABELS", "VERSION"],
            containers.Select(c => new[]
            {
                c.Id, TextBlock.Or(c.Image), c.Runtime.Name, TextBlock.Joined(c.Labels), c.Version.ToString(CultureInfo.InvariantCulture),
            }));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
