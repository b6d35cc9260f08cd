using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ExecProcess"/>.</summary>
[MessageUrn("platform:tasks:ExecProcessResult")]
public sealed record ExecProcessResult
{
    /// <summary>Required. The task's container.</summary>
    public required string ContainerId { get; init; }

    /// <summary>Required. The exec id.</summary>
    public required string ExecId { get; init; }

    /// <summary>Required. Host pid of the started process.</summary>
    public required int Pid { get; init; }
}
