using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// A container as stored: pure metadata, never runtime state. Carried by replies and events.
/// </summary>
[MessageUrn("platform:containers:Container")]
public sealed record Container
{
    /// <summary>Required. The namespace the container lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required, immutable. Identifier within the namespace.</summary>
    public required string Id { get; init; }

    /// <summary>Mutable. Labels; a label is never stored with an empty value.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Optional, mutable. Free-text image name; not a reference the collector follows.</summary>
    public string? Image { get; init; }

    /// <summary>Required; the runtime name is immutable.</summary>
    public required RuntimeInfo Runtime { get; init; }

    /// <summary>Required, mutable. The OCI runtime spec as JSON text, kept verbatim.</summary>
    public required string Spec { get; init; }

    /// <summary>Optional, immutable. The snapshotter of <see cref="SnapshotKey"/>; required when a snapshot key is set.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional, mutable. The key of the root filesystem snapshot.</summary>
    public string? SnapshotKey { get; init; }

    /// <summary>Mutable. Named opaque values for clients; keys are non-empty.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the server on create; never changes.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set by the server; equals <see cref="CreatedAt"/> on create, bumped by every update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Set by the server: 1 on create, +1 per update. Used for optimistic concurrency.</summary>
    public long Version { get; init; }
}
