using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>How a process ended.</summary>
[MessageUrn("platform:tasks:TaskExit")]
public sealed record TaskExit
{
    /// <summary>Required. The container (task id).</summary>
    public required string ContainerId { get; init; }

    /// <summary>Optional. The exec id; null for the task's init process.</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. Host pid the process had.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. Exit code, or 128 + signal number when killed by a signal; null when it can't be known.</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Required. When it exited (or when the runner found it gone, if the status is unknown).</summary>
    public required DateTimeOffset ExitedAt { get; init; }

    /// <summary>Optional (false when absent). True when the kernel's OOM killer killed a process of the task's cgroup (init exits only).</summary>
    public bool OomKilled { get; init; }
}
