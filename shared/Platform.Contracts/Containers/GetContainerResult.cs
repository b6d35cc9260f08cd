using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="GetContainer"/>.</summary>
[MessageUrn("platform:containers:GetContainerResult")]
public sealed record GetContainerResult
{
    /// <summary>Required. The stored container.</summary>
    public required Container Container { get; init; }
}
