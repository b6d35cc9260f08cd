using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Names one resource: a snapshot (kind <c>snapshot</c>, snapshotter, key) or a content blob (kind <c>content</c>, key = digest, no snapshotter).</summary>
[MessageUrn("platform:resources:ResourceRef")]
public sealed record ResourceRef
{
    /// <summary>Required. <c>snapshot</c> or <c>content</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The snapshotter, for snapshots (the service default when absent); null for content.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The snapshot key, or the content digest (<c>sha256:HEX</c>).</summary>
    public required string Key { get; init; }
}
