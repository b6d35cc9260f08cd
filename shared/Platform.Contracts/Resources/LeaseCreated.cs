using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a lease was created.</summary>
[MessageUrn("platform:resources:LeaseCreated")]
public sealed record LeaseCreated : IPlatformEvent
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
    public required Lease Lease { get; init; }
}
