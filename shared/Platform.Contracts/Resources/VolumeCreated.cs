using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a volume was created.</summary>
[MessageUrn("platform:resources:VolumeCreated")]
public sealed record VolumeCreated : IPlatformEvent
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
    public required Volume Volume { get; init; }
}
