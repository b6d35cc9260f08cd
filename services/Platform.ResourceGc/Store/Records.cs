using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Store;

/// <summary>A snapshot record: the contract's fields plus the id of its folder on disk, which never changes.</summary>
public sealed record SnapshotRecord(
    string Namespace,
    string Snapshotter,
    string Key,
    long DirId,
    SnapshotKind Kind,
    string? Parent,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public Snapshot ToContract() => new()
    {
        Namespace = Namespace, Snapshotter = Snapshotter, Key = Key, Parent = Parent, Kind = Kind,
        Labels = Labels, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };

    public ResourceRef Ref => new() { Kind = ResourceKinds.Snapshot, Snapshotter = Snapshotter, Key = Key };
}

/// <summary>
/// Who holds a reference on a resource (a snapshot, or content when <see cref="Snapshotter"/> is <see cref="ResourceSpaces.Content"/>):
/// a container, a task or an image, by id and generation (a container's creation
/// time), since when. The generation keeps a deleted container's release from dropping the reference of a
/// container re-created with the same id.
/// </summary>
public sealed record ReferenceRecord(string Namespace, string Snapshotter, string Key, string OwnerKind, string OwnerId, long Generation, DateTimeOffset CreatedAt);

/// <summary>A lease and the snapshots it holds.</summary>
public sealed record LeaseRecord(string Namespace, string Id, IReadOnlyDictionary<string, string> Labels, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;

    public Lease ToContract() => new() { Namespace = Namespace, Id = Id, Labels = Labels, CreatedAt = CreatedAt, ExpiresAt = ExpiresAt };
}

/// <summary>One resource a lease holds: a snapshot, or content when <see cref="Snapshotter"/> is <see cref="ResourceSpaces.Content"/>.</summary>
public sealed record LeaseResourceRecord(string Namespace, string LeaseId, string Snapshotter, string Key);

/// <summary>A content record: a blob's digest, size and labels in one namespace. The blob file is shared by digest across namespaces.</summary>
public sealed record ContentRecord(
    string Namespace,
    string Digest,
    long Size,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public Contracts.Resources.Content ToContract() => new()
    {
        Namespace = Namespace, Digest = Digest, Size = Size, Labels = Labels, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };

    public ResourceRef Ref => new() { Kind = ResourceKinds.Content, Key = Digest };

    /// <summary>What this record's labels keep alive (see <see cref="GcLabels.Edges"/>).</summary>
    public IEnumerable<LabelEdge> Edges => GcLabels.Edges(Labels).Select(e => new LabelEdge(Namespace, Digest, e.Label, e.Space, e.Key));
}

/// <summary>One GC edge a content record's label makes: from the record to a content digest or a snapshot of the same namespace.</summary>
public sealed record LabelEdge(string Namespace, string FromDigest, string Label, string ToSpace, string ToKey);

/// <summary>Everything the collector needs to know at once: the whole reference graph, read in one transaction.</summary>
/// <remarks>
/// References and lease resources name their resource by (namespace, space, key): the space is the snapshotter for a
/// snapshot and <see cref="ResourceSpaces.Content"/> for content (whose key is its digest).
/// </remarks>
public sealed record ResourceGraph(
    IReadOnlyList<SnapshotRecord> Snapshots,
    IReadOnlyList<ReferenceRecord> References,
    IReadOnlyList<LeaseRecord> Leases,
    IReadOnlyList<LeaseResourceRecord> LeaseResources)
{
    /// <summary>Every content record of every namespace.</summary>
    public IReadOnlyList<ContentRecord> Contents { get; init; } = [];
}

public static class ResourceKinds
{
    public const string Snapshot = "snapshot";
    public const string Content = "content";
}

/// <summary>
/// The "space" a resource key lives in. References and lease holds are stored by (namespace, space, key) in a column
/// that was called snapshotter before content existed: a snapshotter's name for snapshots, <see cref="Content"/> for
/// content. No snapshotter may therefore be called <c>content</c> (the snapshotters are fixed: overlayfs and native).
/// </summary>
public static class ResourceSpaces
{
    public const string Content = "content";

    public static bool IsContent(string space) => space == Content;
}

public static class OwnerKinds
{
    public const string Container = "container";
    public const string Task = "task";

    /// <summary>An image of the metadata service; its id is the image name (<c>docker.io/library/busybox:1.36</c>).</summary>
    public const string Image = "image";

    public static bool IsKnown(string? kind) => kind is Container or Task or Image;
}

/// <summary>Labels with a meaning to the collector.</summary>
public static class GcLabels
{
    /// <summary>A snapshot or content record carrying this label (any value) is a root: never collected.</summary>
    public const string Root = "platform.io/gc.root";

    /// <summary>On content: <c>platform.io/gc.ref.content</c> or <c>platform.io/gc.ref.content.NAME</c> = a digest keeps that content (same namespace) alive.</summary>
    public const string ContentRef = "platform.io/gc.ref.content";

    /// <summary>On content: <c>platform.io/gc.ref.snapshot.SNAPSHOTTER</c> = a key keeps that snapshot (and so its parents) alive.</summary>
    public const string SnapshotRef = "platform.io/gc.ref.snapshot.";

    /// <summary>The edges a content record's labels make, as (label, space, key); labels of other shapes make none.</summary>
    public static IEnumerable<(string Label, string Space, string Key)> Edges(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (label, value) in labels)
        {
            if (string.IsNullOrEmpty(value))
                continue;
            if (label == ContentRef || (label.StartsWith(ContentRef, StringComparison.Ordinal) && label[ContentRef.Length] == '.'))
                yield return (label, ResourceSpaces.Content, value);
            else if (label.StartsWith(SnapshotRef, StringComparison.Ordinal) && label.Length > SnapshotRef.Length
                     && !ResourceSpaces.IsContent(label[SnapshotRef.Length..]))
                yield return (label, label[SnapshotRef.Length..], value);
        }
    }
}
