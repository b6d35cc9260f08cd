using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Event: a network was removed (by <c>rm</c> or <c>prune</c>).</summary>
[MessageUrn("platform:networks:NetworkRemoved")]
public sealed record NetworkRemoved : IPlatformEvent
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

    /// <summary>Required. The removed network's id (a network of the same name created later has another).</summary>
    public required string Id { get; init; }

    /// <summary>Whether a prune removed it.</summary>
    public bool Pruned { get; init; }
}
