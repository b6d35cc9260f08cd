using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="WaitTask"/>.</summary>
[MessageUrn("platform:tasks:WaitTaskResult")]
public sealed record WaitTaskResult
{
    /// <summary>Required. True when the process has exited; <see cref="Exit"/> then says how.</summary>
    public required bool Exited { get; init; }

    /// <summary>Optional. The exit, when <see cref="Exited"/>.</summary>
    public TaskExit? Exit { get; init; }
}
