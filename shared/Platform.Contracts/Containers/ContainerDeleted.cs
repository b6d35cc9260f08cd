using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Event: a container was deleted. Carries what it referenced so resource owners can release it.</summary>
[MessageUrn("platform:containers:ContainerDeleted")]
public sealed record ContainerDeleted : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The deleted container's id.</summary>
    public required string Id { get; init; }

    /// <summary>The snapshotter of the snapshot it referenced, if any.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>The snapshot key it referenced, if any.</summary>
    public string? SnapshotKey { get; init; }

    /// <summary>The image name it carried, if any.</summary>
    public string? Image { get; init; }

    /// <summary>Its labels when deleted.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>When the deleted container was created: identifies this incarnation of the id.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
