using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a snapshot was removed (by a user or by the collector); its data on disk follows.</summary>
[MessageUrn("platform:resources:SnapshotRemoved")]
public sealed record SnapshotRemoved : IPlatformEvent
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
    public required string Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public required string Key { get; init; }

    /// <summary>True when the collector removed it.</summary>
    public bool Collected { get; init; }
}
