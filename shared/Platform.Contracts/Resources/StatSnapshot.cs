using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: one snapshot. Replies <see cref="SnapshotResult"/>.</summary>
[MessageUrn("platform:resources:StatSnapshot")]
[Requires(Access.Read)]
public sealed record StatSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public string? Key { get; init; }
}
