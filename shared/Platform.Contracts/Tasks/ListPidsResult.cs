using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ListPids"/>.</summary>
[MessageUrn("platform:tasks:ListPidsResult")]
public sealed record ListPidsResult
{
    /// <summary>Required. The container's processes, ordered by pid.</summary>
    public required IReadOnlyList<ProcessInfo> Processes { get; init; }
}
