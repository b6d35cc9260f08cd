using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="CopyToTask"/>.</summary>
[MessageUrn("platform:tasks:CopyToTaskResult")]
public sealed record CopyToTaskResult
{
    /// <summary>Required. Bytes of the stream received so far.</summary>
    public required long Received { get; init; }
}
