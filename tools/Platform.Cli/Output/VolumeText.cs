using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Volumes for people: a block for one, a table for many.</summary>
internal static class VolumeText
{
    public static Task WriteAsync(TextWriter output, Volume volume) =>
        TextBlock.WriteAsync(output,
        [
            ("Name", volume.Name),
            ("Namespace", volume.Namespace),
            ("Mountpoint", volume.Mountpoint),
            ("Labels", TextBlock.Lines(volume.Labels)),
            ("Created", ContainerText.Time(volume.CreatedAt)),
            ("Used by", volume.UsedBy.Count == 0 ? TextBlock.None : string.Join(", ", volume.UsedBy)),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<Volume> volumes) =>
        TextTable.WriteAsync(output, ["NAME", "CREATED", "USED BY", "LABELS"],
            volumes.Select(v => new[] { v.Name, ContainerText.Time(v.CreatedAt), v.UsedBy.Count == 0 ? TextBlock.None : string.Join(",", v.UsedBy), TextBlock.Joined(v.Labels) }));
}
