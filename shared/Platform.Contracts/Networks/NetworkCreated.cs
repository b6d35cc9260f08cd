using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Event: a network was created (by a user, or the default network on its first use).</summary>
[MessageUrn("platform:networks:NetworkCreated")]
public sealed record NetworkCreated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The network as created (no containers).</summary>
    public required Network Network { get; init; }
}
