using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Event: an ingest was committed as content in a namespace.</summary>
[MessageUrn("platform:resources:ContentCommitted")]
public sealed record ContentCommitted : IPlatformEvent
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
    public required Content Content { get; init; }
}
