using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Internal command: the metadata service was asked to delete a container that a task holds (or may hold: a hold left
/// by a task that is gone, or a container from before holds were recorded). The runner first waits for a task create
/// in progress on that container, so the answer covers it, then answers whether the container has a task; with
/// <see cref="Force"/>, it kills and deletes that task first. Replies <see cref="CheckTaskHoldResult"/>.
/// </summary>
[MessageUrn("platform:tasks:CheckTaskHold")]
[Requires(Access.Service)]
public sealed record CheckTaskHold
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Kill and delete the task when there is one (as <see cref="DeleteTask"/> with force).</summary>
    public bool Force { get; init; }
}
