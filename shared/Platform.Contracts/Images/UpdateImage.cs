using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>
/// Command: update an image through a field mask applied to the stored object. Replies <see cref="ImageResult"/> or
/// <see cref="ErrorReply"/> (NotFound; NotFound too when a new target's content does not exist); publishes <see cref="ImageUpdated"/>.
/// </summary>
[MessageUrn("platform:images:UpdateImage")]
public sealed record UpdateImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The image to update, in any form that normalises to the stored name. Names are immutable.</summary>
    public string? Name { get; init; }

    /// <summary>Value for <c>target</c>; required without a mask.</summary>
    public Descriptor? Target { get; init; }

    /// <summary>Values for <c>labels</c> and <c>labels.KEY</c>.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>
    /// Optional. Paths to update: <c>target</c>, <c>labels</c>, <c>labels.KEY</c> (an absent or empty value removes that label);
    /// anything else is InvalidArgument. Absent or empty: replace target and labels.
    /// </summary>
    public IReadOnlyList<string>? UpdateMask { get; init; }

    /// <summary>Optional. When set, the update applies only if the stored version equals it (else FailedPrecondition).</summary>
    public long? ExpectedVersion { get; init; }
}
