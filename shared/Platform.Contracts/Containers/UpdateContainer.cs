using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// Command: update a container through a field mask applied to the stored object.
/// Replies <see cref="UpdateContainerResult"/> or <see cref="ErrorReply"/>; publishes <see cref="ContainerUpdated"/>.
/// </summary>
[MessageUrn("platform:containers:UpdateContainer")]
public sealed record UpdateContainer
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container to update.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// Optional. Paths to update: <c>labels</c>, <c>labels.KEY</c>, <c>spec</c>, <c>image</c>, <c>snapshotkey</c>,
    /// <c>extensions</c>, <c>extensions.KEY</c>. Absent or empty: replace labels, spec, extensions, image and snapshot key,
    /// and <see cref="Runtime"/> and <see cref="Snapshotter"/> must equal the stored ones.
    /// </summary>
    public IReadOnlyList<string>? UpdateMask { get; init; }

    /// <summary>Optional. When set, the update applies only if the stored version equals it (else FailedPrecondition).</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>Values for the masked paths.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Value for <c>image</c>.</summary>
    public string? Image { get; init; }

    /// <summary>Only checked without a mask: must equal the stored runtime name.</summary>
    public RuntimeInfo? Runtime { get; init; }

    /// <summary>Value for <c>spec</c>: JSON text.</summary>
    public string? Spec { get; init; }

    /// <summary>Only checked without a mask: must equal the stored snapshotter.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Value for <c>snapshotkey</c>.</summary>
    public string? SnapshotKey { get; init; }

    /// <summary>Values for <c>extensions</c> paths.</summary>
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }
}
