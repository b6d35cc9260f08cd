using System.Globalization;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Snapshots for people: a <c>Key: value</c> block for one, aligned columns for many, a mount table.</summary>
internal static class SnapshotText
{
    public static string Kind(SnapshotKind kind) => kind.ToString().ToLowerInvariant();

    public static Task WriteAsync(TextWriter output, Snapshot snapshot) =>
        TextBlock.WriteAsync(output,
        [
            ("Key", snapshot.Key),
            ("Namespace", snapshot.Namespace),
            ("Snapshotter", snapshot.Snapshotter),
            ("Kind", Kind(snapshot.Kind)),
            ("Parent", TextBlock.Or(snapshot.Parent)),
            ("Labels", TextBlock.Lines(snapshot.Labels)),
            ("Created", ContainerText.Time(snapshot.CreatedAt)),
            ("Updated", ContainerText.Time(snapshot.UpdatedAt)),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<Snapshot> snapshots) =>
        TextTable.WriteAsync(output, ["KEY", "PARENT", "KIND", "LABELS"],
            snapshots.Select(s => new[] { s.Key, TextBlock.Or(s.Parent), Kind(s.Kind), TextBlock.Joined(s.Labels) }));

    /// <summary>One row per mount, in the order to apply them; options comma-separated as <c>mount -o</c> takes them.</summary>
    public static Task WriteAsync(TextWriter output, IReadOnlyList<Mount> mounts) =>
        TextTable.WriteAsync(output, ["TYPE", "SOURCE", "OPTIONS"],
            mounts.Select(m => new[] { m.Type, m.Source, m.Options.Count == 0 ? TextBlock.None : string.Join(',', m.Options) }));

    public static Task WriteAsync(TextWriter output, SnapshotUsageResult usage) =>
        TextTable.WriteAsync(output, ["SIZE", "INODES"], [[Sizes.Human(usage.Size), usage.Inodes.ToString(CultureInfo.InvariantCulture)]]);
}
