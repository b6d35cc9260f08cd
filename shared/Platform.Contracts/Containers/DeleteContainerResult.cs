using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="DeleteContainer"/>.</summary>
[MessageUrn("platform:containers:DeleteContainerResult")]
public sealed record DeleteContainerResult
{
    /// <summary>Required. The container as it was when deleted.</summary>
    public required Container Container { get; init; }
}
