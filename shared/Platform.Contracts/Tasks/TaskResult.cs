using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply carrying one task: to CreateTask, StartTask, KillTask, PauseTask, ResumeTask and GetTask.</summary>
[MessageUrn("platform:tasks:TaskResult")]
public sealed record TaskResult
{
    /// <summary>Required. The task after the command.</summary>
    public required TaskInfo Task { get; init; }
}
