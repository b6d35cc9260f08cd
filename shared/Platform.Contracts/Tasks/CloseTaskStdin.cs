using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: end a process's stdin, as the end of a piped input does (<c>cat</c> then sees end of file and exits). Only for
/// a process without a terminal (on a terminal, end of input is the terminal's own Ctrl-D). Idempotent. Replies
/// <see cref="TaskStdinResult"/>.
/// </summary>
[MessageUrn("platform:tasks:CloseTaskStdin")]
public sealed record CloseTaskStdin
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Close this exec process's stdin instead of the init process's.</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. The input stream that ends (as in <see cref="WriteTaskStdin.StreamId"/>).</summary>
    public string? StreamId { get; init; }

    /// <summary>Required. The stream's length: the stdin is closed once every byte before it was written.</summary>
    public long Offset { get; init; }
}
