using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Names one resource: today a snapshot (kind <c>snapshot</c>, snapshotter, key).</summary>
[MessageUrn("platform:resources:ResourceRef")]
public sealed record ResourceRef
{
    /// <summary>Required. <c>snapshot</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The snapshotter, for snapshots.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The resource key.</summary>
    public required string Key { get; init; }
}
