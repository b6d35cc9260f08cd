using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: an active snapshot or view was created.</summary>
[MessageUrn("platform:resources:SnapshotPrepared")]
public sealed record SnapshotPrepared : IPlatformEvent
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
    public required Snapshot Snapshot { get; init; }
}
