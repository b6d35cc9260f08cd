using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Event: a task was thawed.</summary>
[MessageUrn("platform:tasks:TaskResumed")]
public sealed record TaskResumed : IPlatformEvent
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
}
