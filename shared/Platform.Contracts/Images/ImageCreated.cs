using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Event: an image was created.</summary>
[MessageUrn("platform:images:ImageCreated")]
public sealed record ImageCreated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The image as stored.</summary>
    public required Image Image { get; init; }
}
