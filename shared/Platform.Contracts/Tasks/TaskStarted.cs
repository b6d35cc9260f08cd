using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Event: a task's init process was started.</summary>
[MessageUrn("platform:tasks:TaskStarted")]
public sealed record TaskStarted : IPlatformEvent
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

    /// <summary>Required. Host pid of the init process.</summary>
    public required int Pid { get; init; }
}
