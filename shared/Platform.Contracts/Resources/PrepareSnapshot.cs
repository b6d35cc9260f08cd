using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: create an active snapshot (optionally on a committed parent) and return its mounts. Replies <see cref="SnapshotMountsResult"/>; publishes <see cref="SnapshotPrepared"/>.</summary>
[MessageUrn("platform:resources:PrepareSnapshot")]
public sealed record PrepareSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; the service default (<c>overlayfs</c> where the kernel allows it) when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The new active key.</summary>
    public string? Key { get; init; }

    /// <summary>Optional. A committed snapshot.</summary>
    public string? Parent { get; init; }

    /// <summary>Optional. Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. Adds the new snapshot to this lease in the same transaction.</summary>
    public string? LeaseId { get; init; }
}
