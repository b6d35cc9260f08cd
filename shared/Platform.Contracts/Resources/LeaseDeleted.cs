using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a lease was deleted or expired.</summary>
[MessageUrn("platform:resources:LeaseDeleted")]
public sealed record LeaseDeleted : IPlatformEvent
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
    public required string Id { get; init; }
}
