using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: an active snapshot was committed.</summary>
[MessageUrn("platform:resources:SnapshotCommitted")]
public sealed record SnapshotCommitted : IPlatformEvent
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

    /// <summary>Required. The active key it came from.</summary>
    public required string Key { get; init; }
}
