using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Event: an exec process was started in a task.</summary>
[MessageUrn("platform:tasks:TaskExecStarted")]
public sealed record TaskExecStarted : IPlatformEvent
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

    /// <summary>Required. The exec id.</summary>
    public required string ExecId { get; init; }

    /// <summary>Required. Host pid of the exec process.</summary>
    public required int Pid { get; init; }
}
