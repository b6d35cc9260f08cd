using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Common.Restarts;
using Platform.Contracts.Containers;
using Platform.Metadata.Store;

namespace Platform.Metadata.Containers;

/// <summary>
/// docker's <c>--rm</c> without anyone waiting: when a task of a container labelled <see cref="AutoRemove.Label"/> is
/// deleted (TaskDeleted, at least once), the container is deleted as a user's <c>containers rm</c> would, so its
/// snapshot follows through ContainerDeleted. Driven by the event, a crash of any service between the exit and the
/// removal only delays it. A container created after that task (the id reused) or run again meanwhile (its new task
/// lives, so the deletion is refused) stays.
/// </summary>
public sealed class AutoRemoval(IContainerStore store, ContainerService containers, ILogger<AutoRemoval> logger)
{
    public async Task AfterTaskDeletedAsync(string ns, string id, DateTimeOffset taskCreatedAt, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(ns, id, cancellationToken) is not { } container
            || !AutoRemove.IsSet(container.Labels) || container.CreatedAt > taskCreatedAt)
            return;
        try
        {
            await containers.DeleteAsync(new DeleteContainer { Namespace = ns, Id = id }, cancellationToken);
            logger.LogInformation("Container {Namespace}/{ContainerId} removed after its task ({Label})", ns, id, AutoRemove.Label);
        }
        catch (PlatformException e) when (e.Kind is ErrorKind.NotFound)
        {
            // Removed meanwhile (by the user's platformctl run --rm, or an earlier delivery of this event).
        }
        catch (PlatformException e) when (e.Kind is ErrorKind.FailedPrecondition)
        {
            logger.LogInformation("Container {Namespace}/{ContainerId} not removed after its task: {Reason}", ns, id, e.Message);
        }
    }
}
