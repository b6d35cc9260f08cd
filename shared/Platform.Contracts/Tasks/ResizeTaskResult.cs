using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="ResizeTask"/>: the size the terminal was given.</summary>
[MessageUrn("platform:tasks:ResizeTaskResult")]
public sealed record ResizeTaskResult
{
    /// <summary>Required. Columns.</summary>
    public required int Width { get; init; }

    /// <summary>Required. Rows.</summary>
    public required int Height { get; init; }
}
