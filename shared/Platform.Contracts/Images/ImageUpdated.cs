using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Event: an image's target or labels changed.</summary>
[MessageUrn("platform:images:ImageUpdated")]
public sealed record ImageUpdated : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The image as now stored.</summary>
    public required Image Image { get; init; }

    /// <summary>
    /// The target before the update, set only when the target's digest changed: the resource owner then releases the image's
    /// reference to it. Absent when the digest stayed (even if the media type or size was corrected).
    /// </summary>
    public Descriptor? PreviousTarget { get; init; }
}
