using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: a bounded chunk of the stdout/stderr a task's init process (or an exec process) wrote, from a byte offset
/// of its log. With <see cref="WaitSeconds"/> the answer is held until new output arrives, the process exits or the
/// time is up, so following a log costs one request per chunk. Replies <see cref="TaskLogsResult"/>.
/// </summary>
[MessageUrn("platform:tasks:ReadTaskLogs")]
[Requires(Access.Read)]
public sealed record ReadTaskLogs
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Read this exec process's log instead of the init process's.</summary>
    public string? ExecId { get; init; }

    /// <summary>Optional. Where to continue: the <see cref="TaskLogsResult.NextOffset"/> of the previous chunk; 0 from the start.</summary>
    public long Offset { get; init; }

    /// <summary>Optional. Most log bytes to return (1–1048576); 65536 when 0.</summary>
    public int MaxBytes { get; init; }

    /// <summary>Optional. Longest time to wait for new output, in seconds (0–30).</summary>
    public int WaitSeconds { get; init; }
}
