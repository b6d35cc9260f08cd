using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>
/// Command: delete an image (the name only; content nothing else reaches is collected later). Replies <see cref="ImageResult"/>
/// with the image as it was, or <see cref="ErrorReply"/> (NotFound); publishes <see cref="ImageDeleted"/>.
/// </summary>
[MessageUrn("platform:images:DeleteImage")]
public sealed record DeleteImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The image to delete, in any form that normalises to the stored name.</summary>
    public string? Name { get; init; }

    /// <summary>Optional. When set, the delete applies only if the stored version equals it (else FailedPrecondition).</summary>
    public long? ExpectedVersion { get; init; }
}
