using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Events;

/// <summary>What an event is about. A new event type shows up here or its id and labels stay absent to filters.</summary>
internal static class EventSubject
{
    /// <summary>The container's id, the snapshot's key or the lease's id; none for a collection pass.</summary>
    public static string? Id(IPlatformEvent e) => e switch
    {
        ContainerCreated created => created.Container.Id,
        ContainerUpdated updated => updated.Container.Id,
        ContainerDeleted deleted => deleted.Id,
        SnapshotPrepared prepared => prepared.Snapshot.Key,
        SnapshotCommitted committed => committed.Snapshot.Key,
        SnapshotRemoved removed => removed.Key,
        LeaseCreated created => created.Lease.Id,
        LeaseDeleted deleted => deleted.Id,
        _ => null,
    };

    public static IReadOnlyDictionary<string, string>? Labels(IPlatformEvent e) => e switch
    {
        ContainerCreated created => created.Container.Labels,
        ContainerUpdated updated => updated.Container.Labels,
        ContainerDeleted deleted => deleted.Labels,
        SnapshotPrepared prepared => prepared.Snapshot.Labels,
        SnapshotCommitted committed => committed.Snapshot.Labels,
        LeaseCreated created => created.Lease.Labels,
        _ => null,
    };
}
