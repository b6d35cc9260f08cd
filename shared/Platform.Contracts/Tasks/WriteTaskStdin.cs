using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: bytes for a process's stdin (its terminal's input on a terminal), one chunk of a client's input stream. A
/// client sends its chunks one at a time, each after the previous one's reply, so they arrive in order; the offset
/// makes a redelivered chunk harmless (the bytes already written are skipped). Replies <see cref="TaskStdinResult"/>.
/// FailedPrecondition when the process's stdin is not open (it was not started with <c>-i</c>) or it has exited.
/// </summary>
[MessageUrn("platform:tasks:WriteTaskStdin")]
public sealed record WriteTaskStdin
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The task's container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Optional. Write to this exec process instead of the init process.</summary>
    public string? ExecId { get; init; }

    /// <summary>Required. The client's input stream: any string unique to one attach (a GUID), at most 64 characters.</summary>
    public string? StreamId { get; init; }

    /// <summary>Required. Where <see cref="Data"/> starts in the stream (bytes sent before it); 0 for the first chunk.</summary>
    public long Offset { get; init; }

    /// <summary>Required. The bytes (1–65536).</summary>
    public byte[]? Data { get; init; }
}
