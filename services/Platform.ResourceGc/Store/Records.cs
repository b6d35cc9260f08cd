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
/// Who holds a reference on a snapshot: a container or a task, by id and generation (a container's creation
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

/// <summary>One snapshot a lease holds.</summary>
public sealed record LeaseResourceRecord(string Namespace, string LeaseId, string Snapshotter, string Key);

/// <summary>Everything the collector needs to know at once: the whole reference graph, read in one transaction.</summary>
public sealed record ResourceGraph(
    IReadOnlyList<SnapshotRecord> Snapshots,
    IReadOnlyList<ReferenceRecord> References,
    IReadOnlyList<LeaseRecord> Leases,
    IReadOnlyList<LeaseResourceRecord> LeaseResources);

public static class ResourceKinds
{
    public const string Snapshot = "snapshot";
}

public static class OwnerKinds
{
    public const string Container = "container";
    public const string Task = "task";

    public static bool IsKnown(string? kind) => kind is Container or Task;
}

/// <summary>Labels with a meaning to the collector.</summary>
public static class GcLabels
{
    /// <summary>A snapshot carrying this label (any value) is a root: never collected.</summary>
    public const string Root = "platform.io/gc.root";
}
