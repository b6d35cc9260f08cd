using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>An extra process run inside a task (ExecProcess).</summary>
[MessageUrn("platform:tasks:ExecProcessInfo")]
public sealed record ExecProcessInfo
{
    /// <summary>Required. The exec id, unique within the task (identifier rules).</summary>
    public required string ExecId { get; init; }

    /// <summary>Required. Host pid of the process.</summary>
    public required int Pid { get; init; }

    /// <summary>Required. Running, or Stopped once it exited.</summary>
    public required TaskState Status { get; init; }

    /// <summary>Optional. Set once stopped: exit code, or 128 + signal; null while running or when unknown.</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Optional. When it exited.</summary>
    public DateTimeOffset? ExitedAt { get; init; }
}
