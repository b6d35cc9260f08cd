using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="WriteTaskStdin"/> and <see cref="CloseTaskStdin"/>.</summary>
[MessageUrn("platform:tasks:TaskStdinResult")]
public sealed record TaskStdinResult
{
    /// <summary>Required. The stream's bytes the process has been given so far: the next chunk's offset.</summary>
    public required long NextOffset { get; init; }
}
