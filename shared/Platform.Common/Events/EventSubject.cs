using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Images;
using Platform.Contracts.Networks;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;

namespace Platform.Common.Events;

/// <summary>What an event is about. A new event type shows up here or its id and labels stay absent to filters.</summary>
public static class EventSubject
{
    /// <summary>
    /// The container's id (also of task events), the snapshot's key, the lease's id, the image's name or the content's
    /// digest; none for a collection pass.
    /// </summary>
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
        VolumeCreated created => created.Volume.Name,
        VolumeRemoved removed => removed.Name,
        NetworkCreated created => created.Network.Name,
        NetworkRemoved removed => removed.Name,
        TaskCreated created => created.ContainerId,
        TaskStarted started => started.ContainerId,
        TaskExecStarted exec => exec.ContainerId,
        TaskExited exited => exited.ContainerId,
        TaskPaused paused => paused.ContainerId,
        TaskOom oom => oom.ContainerId,
        TaskUpdated updated => updated.ContainerId,
        HealthChanged health => health.ContainerId,
        TaskRestarted restarted => restarted.ContainerId,
        TaskResumed resumed => resumed.ContainerId,
        TaskDeleted deleted => deleted.ContainerId,
        ImageCreated created => created.Image.Name,
        ImageUpdated updated => updated.Image.Name,
        ImageDeleted deleted => deleted.Name,
        ContentCommitted committed => committed.Content.Digest,
        ContentRemoved removed => removed.Digest,
        _ => null,
    };

    /// <summary>What a line adds after the sequence for events whose point is a number: pids, exec ids, exit statuses.</summary>
    public static string? Detail(IPlatformEvent e) => e switch
    {
        TaskCreated created => $"pid={created.Pid}",
        TaskStarted started => $"pid={started.Pid}",
        TaskExecStarted exec => $"exec={exec.ExecId} pid={exec.Pid}",
        TaskExited exited => (exited.ExecId is null ? "" : $"exec={exited.ExecId} ") + $"pid={exited.Pid} status={Status(exited.ExitStatus)}" + (exited.OomKilled ? " oom-killed" : ""),
        TaskDeleted deleted => $"status={Status(deleted.ExitStatus)}",
        HealthChanged health => $"health={health.OldStatus}->{health.NewStatus}",
        ImageCreated created => $"target={created.Image.Target.Digest}",
        ImageUpdated updated => $"target={updated.Image.Target.Digest}",
        ContentCommitted committed => $"size={committed.Content.Size}",
        ContentRemoved removed => $"size={removed.Size}" + (removed.Collected ? " collected" : ""),
        NetworkCreated created => $"subnet={created.Network.Subnet}",
        _ => null,
    };

    private static string Status(int? status) => status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    public static IReadOnlyDictionary<string, string>? Labels(IPlatformEvent e) => e switch
    {
        ContainerCreated created => created.Container.Labels,
        ContainerUpdated updated => updated.Container.Labels,
        ContainerDeleted deleted => deleted.Labels,
        SnapshotPrepared prepared => prepared.Snapshot.Labels,
        SnapshotCommitted committed => committed.Snapshot.Labels,
        LeaseCreated created => created.Lease.Labels,
        ImageCreated created => created.Image.Labels,
        ImageUpdated updated => updated.Image.Labels,
        ImageDeleted deleted => deleted.Labels,
        ContentCommitted committed => committed.Content.Labels,
        NetworkCreated created => created.Network.Labels,
        _ => null,
    };
}
