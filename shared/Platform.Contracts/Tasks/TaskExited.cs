using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Event: a process of a task exited. Reported once per process; exec exits come before the init exit.</summary>
[MessageUrn("platform:tasks:TaskExited")]
public sealed record TaskExited : IPlatformEvent
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

    /// <summary>Optional. The exec id; null for the init process.</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. Host pid the process had.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. Exit code, or 128 + signal number; null when it can't be known (the monitor died with it).</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Required. When it exited.</summary>
    public required DateTimeOffset ExitedAt { get; init; }

    /// <summary>Optional (false when absent). True when the kernel's OOM killer killed a process of the task's cgroup (init exits only); <see cref="TaskOom"/> came first.</summary>
    public bool OomKilled { get; init; }
}
