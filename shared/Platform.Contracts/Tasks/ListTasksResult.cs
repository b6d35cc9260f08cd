using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ListTasks"/>.</summary>
[MessageUrn("platform:tasks:ListTasksResult")]
public sealed record ListTasksResult
{
    /// <summary>Required. The matching tasks, ordered by container id.</summary>
    public required IReadOnlyList<TaskInfo> Tasks { get; init; }
}
