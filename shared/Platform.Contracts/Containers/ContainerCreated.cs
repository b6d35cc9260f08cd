using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Event: a container was committed.</summary>
[MessageUrn("platform:containers:ContainerCreated")]
public sealed record ContainerCreated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The container as committed.</summary>
    public required Container Container { get; init; }
}
