using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: what a pass removed (or would remove).</summary>
[MessageUrn("platform:resources:GarbageCollectionResult")]
public sealed record GarbageCollectionResult
{
    /// <summary>Required.</summary>
    public required IReadOnlyList<CollectedResource> Removed { get; init; }

    /// <summary>Bytes freed on disk (estimated in a dry run).</summary>
    public long BytesFreed { get; init; }

    /// <summary>How long the pass took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Whether nothing was actually removed.</summary>
    public bool DryRun { get; init; }
}
