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

    /// <summary>
    /// Optional (false when absent). The task runs privileged: its spec breaks a rule of the runtime policy (or no
    /// seccomp profile could be applied), which only its creator's privileged grant in the namespace allowed.
    /// </summary>
    public bool Privileged { get; init; }
}
