using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>An image as stored: a name pointing at a manifest or index in the content store. Carried by replies and events.</summary>
[MessageUrn("platform:images:Image")]
public sealed record Image
{
    /// <summary>Required. The namespace the image lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required, immutable. The normalised name (<c>docker.io/library/busybox:latest</c>), unique within the namespace.</summary>
    public required string Name { get; init; }

    /// <summary>Required, mutable. The manifest or index the name points at; the image keeps that content alive.</summary>
    public required Descriptor Target { get; init; }

    /// <summary>Mutable. Labels; a label is never stored with an empty value.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the server on create; never changes.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set by the server; equals <see cref="CreatedAt"/> on create, bumped by every update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Set by the server: 1 on create, +1 per update. Used for optimistic concurrency.</summary>
    public long Version { get; init; }
}
