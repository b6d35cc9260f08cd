using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Leases for people: a block for one, a table for many, a table of held resources.</summary>
internal static class LeaseText
{
    public static Task WriteAsync(TextWriter output, Lease lease) =>
        TextBlock.WriteAsync(output,
        [
            ("ID", lease.Id),
            ("Namespace", lease.Namespace),
            ("Labels", TextBlock.Lines(lease.Labels)),
            ("Created", ContainerText.Time(lease.CreatedAt)),
            ("Expires", Expires(lease)),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<Lease> leases) =>
        TextTable.WriteAsync(output, ["ID", "CREATED", "EXPIRES", "LABELS"],
            leases.Select(l => new[] { l.Id, ContainerText.Time(l.CreatedAt), Expires(l), TextBlock.Joined(l.Labels) }));

    public static Task WriteAsync(TextWriter output, IEnumerable<ResourceRef> resources) =>
        TextTable.WriteAsync(output, ["KIND", "SNAPSHOTTER", "KEY"],
            resources.Select(r => new[] { r.Kind, TextBlock.Or(r.Snapshotter), r.Key }));

    /// <summary>Never expires is <c>-</c>.</summary>
    private static string Expires(Lease lease) => lease.ExpiresAt is { } expires ? ContainerText.Time(expires) : TextBlock.None;
}
