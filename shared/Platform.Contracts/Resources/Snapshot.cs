using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A snapshot as stored: a filesystem layer under a snapshotter.</summary>
[MessageUrn("platform:resources:Snapshot")]
public sealed record Snapshot
{
    /// <summary>Required. The namespace it lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required, immutable. <c>overlayfs</c> or <c>native</c> (copying).</summary>
    public required string Snapshotter { get; init; }

    /// <summary>Required, immutable. Active key, view key or committed name; one key space per namespace and snapshotter.</summary>
    public required string Key { get; init; }

    /// <summary>Optional, immutable. The committed snapshot this one is layered on.</summary>
    public string? Parent { get; init; }

    /// <summary>Required. Active, view or committed.</summary>
    public required SnapshotKind Kind { get; init; }

    /// <summary>Mutable. Labels; never stored empty.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the server on create.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set by the server on every change.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
