using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>One process of a task's container.</summary>
[MessageUrn("platform:tasks:ProcessInfo")]
public sealed record ProcessInfo
{
    /// <summary>Required. Host pid.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. The exec id when the process is an exec process's main process; null otherwise.</summary>
    public string? ExecId { get; init; }
}
