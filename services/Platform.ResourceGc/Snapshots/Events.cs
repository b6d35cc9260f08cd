using Platform.Contracts.Resources;
using Platform.Hosting.Outbox;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Snapshots;

/// <summary>The events of resource changes, made once the store allocated their sequence numbers.</summary>
public static class Events
{
    public static EventFactory Prepared(SnapshotRecord r, DateTimeOffset now) => seq => new SnapshotPrepared
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = r.Namespace, Sequence = seq, Snapshot = r.ToContract(),
    };

    public static EventFactory Committed(SnapshotRecord r, string key, DateTimeOffset now) => seq => new SnapshotCommitted
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = r.Namespace, Sequence = seq, Snapshot = r.ToContract(), Key = key,
    };

    public static EventFactory Removed(SnapshotRecord r, DateTimeOffset now, bool collected) => seq => new SnapshotRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = r.Namespace, Sequence = seq, Snapshotter = r.Snapshotter, Key = r.Key, Collected = collected,
    };

    public static EventFactory ContentCommitted(ContentRecord r, DateTimeOffset now) => seq => new ContentCommitted
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = r.Namespace, Sequence = seq, Content = r.ToContract(),
    };

    public static EventFactory ContentRemoved(ContentRecord r, DateTimeOffset now, bool collected) => seq => new ContentRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = r.Namespace, Sequence = seq, Digest = r.Digest, Size = r.Size, Collected = collected,
    };

    public static EventFactory LeaseCreated(LeaseRecord l, DateTimeOffset now) => seq => new LeaseCreated
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = l.Namespace, Sequence = seq, Lease = l.ToContract(),
    };

    public static EventFactory LeaseDeleted(string ns, string id, DateTimeOffset now) => seq => new LeaseDeleted
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, Id = id,
    };

    public static EventFactory VolumeCreated(Volume v, DateTimeOffset now) => seq => new VolumeCreated
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = v.Namespace, Sequence = seq, Volume = v,
    };

    public static EventFactory VolumeRemoved(string ns, string name, bool pruned, DateTimeOffset now) => seq => new VolumeRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, Name = name, Pruned = pruned,
    };
}
