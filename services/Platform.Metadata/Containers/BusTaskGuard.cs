using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;

namespace Platform.Metadata.Containers;

/// <summary>
/// Asks the task runner over the bus whether the container has a task (DESIGN.md invariant 4). No task: delete.
/// A task, not forced: FailedPrecondition naming its state. Forced: the runner kills and deletes the task first.
/// When the runner does not answer, the deletion fails as Unavailable rather than guessing there is no task.
/// </summary>
public sealed class BusTaskGuard(PlatformClient client) : ITaskGuard
{
    public async Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken)
    {
        TaskInfo task;
        try
        {
            task = await client.Tasks.GetAsync(container.Id, container.Namespace, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return;
        }
        if (!force)
            throw PlatformException.FailedPrecondition(
                $"container {container.Id} has a task that is {task.Status.ToString().ToLowerInvariant()}; kill it (platformctl tasks kill) or delete with force");
        try
        {
            await client.Tasks.DeleteAsync(container.Id, force: true, container.Namespace, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            // It exited and was deleted meanwhile.
        }
    }
}
