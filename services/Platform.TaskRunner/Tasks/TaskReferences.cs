using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// A live task's reference on its rootfs snapshot (DESIGN.md invariant 2), held with the resource GC service: added
/// before the task is committed, released after it is cleaned up. Owner kind <c>task</c>, id = container id,
/// generation = the task's creation time, so a later task of the same container never releases this one's hold.
/// </summary>
public sealed class TaskReferences(PlatformClient client, ILogger<TaskReferences> logger)
{
    public const string OwnerKind = "task";

    private static readonly string AddQueue = QueueNames.Of<AddReference>();
    private static readonly string RemoveQueue = QueueNames.Of<RemoveReference>();

    public async Task AddAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        if (task.SnapshotKey is null)
            return;
        await client.RequestAsync<AddReference, ReferenceResult>(AddQueue, new AddReference
        {
            Namespace = task.Namespace, Resource = Snapshot(task), OwnerKind = OwnerKind, OwnerId = task.ContainerId, OwnerGeneration = task.CreatedAt.UtcTicks,
        }, cancellationToken);
    }

    /// <summary>
    /// Releases the hold. A failure is logged, not thrown: the task is gone either way, and the resource GC's pass drops
    /// references whose task no longer exists.
    /// </summary>
    public async Task ReleaseAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        if (task.SnapshotKey is null)
            return;
        try
        {
            await client.RequestAsync<RemoveReference, ReferenceResult>(RemoveQueue, new RemoveReference
            {
                Namespace = task.Namespace, Resource = Snapshot(task), OwnerKind = OwnerKind, OwnerId = task.ContainerId, OwnerGeneration = task.CreatedAt.UtcTicks,
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Releasing the snapshot {SnapshotKey} of task {Namespace}/{ContainerId} failed; a collection pass will drop it",
                task.SnapshotKey, task.Namespace, task.ContainerId);
        }
    }

    private static ResourceRef Snapshot(TaskRecord t) => new() { Kind = "snapshot", Snapshotter = t.Snapshotter, Key = t.SnapshotKey! };
}
