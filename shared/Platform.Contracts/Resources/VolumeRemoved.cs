using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a volume and its data were removed (by <c>rm</c> or <c>prune</c>; never by the collector).</summary>
[MessageUrn("platform:resources:VolumeRemoved")]
public sealed record VolumeRemoved : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required.</summary>
    public required string Name { get; init; }

    /// <summary>Whether a prune removed it.</summary>
    public bool Pruned { get; init; }
}
