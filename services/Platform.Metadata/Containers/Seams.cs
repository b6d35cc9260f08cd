using Platform.Contracts.Containers;

namespace Platform.Metadata.Containers;

/// <summary>
/// Registers a container's reference on its snapshot with the resource owner <b>before</b> the container is
/// committed, so a concurrent collection cannot remove the snapshot in between (DESIGN.md invariant 2).
/// <see cref="BusSnapshotReferences"/> asks the resource GC service.
/// </summary>
public interface ISnapshotReferences
{
    /// <summary>Adds the reference from the container to its snapshot, if it has one. NotFound when the snapshot does not exist.</summary>
    Task AddAsync(Container container, CancellationToken cancellationToken);

    /// <summary>Removes that reference again: the compensation when the container's commit failed.</summary>
    Task RemoveAsync(Container container, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the task runner whether a container that a task holds may be deleted: refuses (FailedPrecondition) while its
/// task is alive unless forced; forced, has the task killed and deleted first. Asked only when the container's record
/// carries a task hold (<see cref="Store.TaskHold"/>). <see cref="BusTaskGuard"/> asks the task runner.
/// </summary>
public interface ITaskGuard
{
    Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken);
}
