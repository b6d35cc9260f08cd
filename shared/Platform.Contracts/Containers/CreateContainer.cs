using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// Command: create a container. Replies <see cref="CreateContainerResult"/> or <see cref="ErrorReply"/>;
/// publishes <see cref="ContainerCreated"/> once committed.
/// </summary>
[MessageUrn("platform:containers:CreateContainer")]
public sealed record CreateContainer
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. Identifier (letters/digits with single <c>.</c> <c>_</c> <c>-</c> separators, at most 76 bytes).</summary>
    public string? Id { get; init; }

    /// <summary>Optional. Labels; empty values are dropped.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. Free-text image name.</summary>
    public string? Image { get; init; }

    /// <summary>Required. Runtime; its name is required.</summary>
    public RuntimeInfo? Runtime { get; init; }

    /// <summary>Required. OCI runtime spec as JSON text; must be a JSON object.</summary>
    public string? Spec { get; init; }

    /// <summary>Required when <see cref="SnapshotKey"/> is set.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional. Key of the root filesystem snapshot.</summary>
    public string? SnapshotKey { get; init; }

    /// <summary>Optional. Named opaque values; keys must be non-empty.</summary>
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }
}
