using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>
/// Command: create an image. Replies <see cref="ImageResult"/> or <see cref="ErrorReply"/> (AlreadyExists for a taken name,
/// NotFound when the content store has no blob with the target's digest); publishes <see cref="ImageCreated"/> once committed.
/// </summary>
[MessageUrn("platform:images:CreateImage")]
public sealed record CreateImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. docker's reference grammar; normalised by the service (<c>busybox</c> is <c>docker.io/library/busybox:latest</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Required. The manifest or index the name points at.</summary>
    public Descriptor? Target { get; init; }

    /// <summary>Optional. Labels; empty values are dropped.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
