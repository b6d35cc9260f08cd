using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a content record was removed (by a user or by the collector); its blob follows when no namespace has it.</summary>
[MessageUrn("platform:resources:ContentRemoved")]
public sealed record ContentRemoved : IPlatformEvent
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
    public required string Digest { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>True when the collector removed it.</summary>
    public bool Collected { get; init; }
}
