using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Command: send a signal to a task's init process, one exec process, or all its processes. Replies <see cref="TaskResult"/>.</summary>
[MessageUrn("platform:tasks:KillTask")]
public sealed record KillTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Signal the exec process with this id instead of the init process.</summary>
    public string? ExecId { get; init; }

    /// <summary>Optional. Signal number (1–64); 15 (SIGTERM) when 0.</summary>
    public int Signal { get; init; }

    /// <summary>Optional. Signal every process of the task.</summary>
    public bool All { get; init; }
}
