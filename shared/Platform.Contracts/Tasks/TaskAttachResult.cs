using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="AttachTask"/>.</summary>
[MessageUrn("platform:tasks:TaskAttachResult")]
public sealed record TaskAttachResult
{
    /// <summary>Required. The process runs on a terminal (<c>process.terminal</c>): its output is the terminal's, raw.</summary>
    public required bool Terminal { get; init; }

    /// <summary>Required. The process's stdin is open to writes (<c>run -i</c>, <c>exec -i</c>); without it stdin writes are refused.</summary>
    public required bool Stdin { get; init; }

    /// <summary>Required. The size of the process's log now: a <see cref="ReadTaskLogs.Offset"/> to follow new output from.</summary>
    public required long LogOffset { get; init; }
}
