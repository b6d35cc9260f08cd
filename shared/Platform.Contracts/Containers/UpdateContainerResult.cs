using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="UpdateContainer"/>: the container as now stored.</summary>
[MessageUrn("platform:containers:UpdateContainerResult")]
public sealed record UpdateContainerResult
{
    /// <summary>Required. The updated container.</summary>
    public required Container Container { get; init; }
}
