using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Event: a running task's cgroup limits were changed (<see cref="UpdateTask"/>, <c>tasks update</c>), as docker's
/// <c>update</c> event; containerd has none, its update changes the runtime only.
/// </summary>
[MessageUrn("platform:tasks:TaskUpdated")]
public sealed record TaskUpdated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The task's container.</summary>
    public required string ContainerId { get; init; }

    /// <summary>Optional. The limits in force after the change, as the runtime reads them back.</summary>
    public TaskResources? Resources { get; init; }
}
