using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="CreateContainer"/>: the container as committed.</summary>
[MessageUrn("platform:containers:CreateContainerResult")]
public sealed record CreateContainerResult
{
    /// <summary>Required. The stored container, with server-set times and version.</summary>
    public required Container Container { get; init; }
}
