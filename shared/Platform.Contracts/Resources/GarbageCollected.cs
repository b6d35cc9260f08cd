using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: a collection pass removed something.</summary>
[MessageUrn("platform:resources:GarbageCollected")]
public sealed record GarbageCollected : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>How many resources.</summary>
    public int Removed { get; init; }

    /// <summary>Bytes freed on disk.</summary>
    public long BytesFreed { get; init; }

    /// <summary>How long the pass took.</summary>
    public TimeSpan Duration { get; init; }
}
