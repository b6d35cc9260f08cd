using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Event: a container's metadata changed.</summary>
[MessageUrn("platform:containers:ContainerUpdated")]
public sealed record ContainerUpdated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The container as now stored.</summary>
    public required Container Container { get; init; }

    /// <summary>The snapshot key before the update, when it changed; lets resource owners move references.</summary>
    public string? PreviousSnapshotKey { get; init; }
}
