using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="HoldContainer"/>: the hold is recorded.</summary>
[MessageUrn("platform:containers:HoldContainerResult")]
public sealed record HoldContainerResult
{
    /// <summary>Required. The container as stored when the hold was recorded.</summary>
    public required Container Container { get; init; }
}
