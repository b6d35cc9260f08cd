using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// Internal command: the task runner, creating a task, records on the container that this task holds it and gets the
/// container in the same atomic step (it replaces the runner's GetContainer). A deletion that committed first makes it
/// fail NotFound; a deletion that comes later sees the hold and asks the runner (<see cref="Tasks.CheckTaskHold"/>).
/// The hold is not part of the <see cref="Container"/> and changes neither its version nor its events. Replies
/// <see cref="HoldContainerResult"/>.
/// </summary>
[MessageUrn("platform:containers:HoldContainer")]
[Requires(Access.Service)]
public sealed record HoldContainer
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container the task is made from.</summary>
    public string? Id { get; init; }

    /// <summary>Required, positive. Which task holds it: the task's creation time in ticks (as in <see cref="Tasks.TaskDeleted.CreatedAt"/>), so the deletion of an earlier task never releases a later one's hold.</summary>
    public long Generation { get; init; }
}
