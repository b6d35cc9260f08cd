using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;

namespace Platform.Metadata.Containers;

/// <summary>
/// Asks the task runner over the bus whether a container that a task holds has a task (DESIGN.md invariant 4); the
/// runner waits for a create in progress first, so its answer covers a task being made. No task: delete. A task, not
/// forced: FailedPrecondition naming its state. Forced: the runner kills and deletes the task first. When the runner does
/// not answer, the deletion fails as Unavailable rather than guessing there is no task.
/// </summary>
public sealed class BusTaskGuard(PlatformClient client) : ITaskGuard
{
    private static readonly string Queue = QueueNames.Of<CheckTaskHold>();

    public async Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken)
    {
        var result = await client.RequestAsync<CheckTaskHold, CheckTaskHoldResult>(Queue,
            new CheckTaskHold { Namespace = container.Namespace, ContainerId = container.Id, Force = force }, cancellationToken);
        if (result.Task is { } task)
            throw PlatformException.FailedPrecondition(
                $"container {container.Id} has a task that is {task.Status.ToString().ToLowerInvariant()}; kill it (platformctl tasks kill) or delete with force");
    }
}
