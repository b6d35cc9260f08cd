using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: run an extra process in a running task and start it. Its output goes to its own log; its exit is
/// reported by <see cref="TaskExited"/> with its exec id. Replies <see cref="ExecProcessResult"/>; publishes
/// <see cref="TaskExecStarted"/>.
/// </summary>
[MessageUrn("platform:tasks:ExecProcess")]
public sealed record ExecProcess
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Required. Id of the new process, unique within the task (identifier rules).</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. The OCI process spec (JSON object with at least <c>args</c>; <c>cwd</c> defaults to <c>/</c>).</summary>
    public string? Process { get; init; }

    /// <summary>
    /// Optional. Keep the process's stdin open for <see cref="WriteTaskStdin"/> (<c>exec -i</c>); otherwise it reads
    /// nothing (end of file at once). A terminal is asked for in <see cref="Process"/> (<c>terminal: true</c>).
    /// </summary>
    public bool Stdin { get; init; }
}
