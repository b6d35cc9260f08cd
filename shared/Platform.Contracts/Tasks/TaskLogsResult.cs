using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ReadTaskLogs"/>.</summary>
[MessageUrn("platform:tasks:TaskLogsResult")]
public sealed record TaskLogsResult
{
    /// <summary>Required (may be empty). The output read, in order.</summary>
    public required IReadOnlyList<TaskLogEntry> Entries { get; init; }

    /// <summary>Required. The offset to continue from.</summary>
    public required long NextOffset { get; init; }

    /// <summary>Required. True when the process has exited and everything it wrote has been returned.</summary>
    public required bool Complete { get; init; }
}
