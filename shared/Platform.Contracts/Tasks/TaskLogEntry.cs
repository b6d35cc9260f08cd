using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Output a process wrote, as one piece per stream switch.</summary>
[MessageUrn("platform:tasks:TaskLogEntry")]
public sealed record TaskLogEntry
{
    /// <summary>Required. <c>stdout</c> or <c>stderr</c>.</summary>
    public required string Stream { get; init; }

    /// <summary>Required. When the runner's monitor read it.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Required. The text, newlines included.</summary>
    public required string Text { get; init; }
}
