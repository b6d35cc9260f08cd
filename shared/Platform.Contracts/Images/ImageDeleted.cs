using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Event: an image was deleted. Carries what it referenced so the resource owner can release it.</summary>
[MessageUrn("platform:images:ImageDeleted")]
public sealed record ImageDeleted : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The deleted image's normalised name.</summary>
    public required string Name { get; init; }

    /// <summary>Required. The target it referenced.</summary>
    public required Descriptor Target { get; init; }

    /// <summary>Its labels when deleted.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>When the deleted image was created: identifies this incarnation of the name (the reference's owner generation).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
