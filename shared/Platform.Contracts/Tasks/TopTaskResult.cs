using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="TopTask"/>.</summary>
[MessageUrn("platform:tasks:TopTaskResult")]
public sealed record TopTaskResult
{
    /// <summary>Required. The task's processes, ordered by host pid (a process that exited while being read is left out).</summary>
    public required IReadOnlyList<TopProcess> Processes { get; init; }
}
