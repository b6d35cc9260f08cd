using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply to <see cref="PruneVolumes"/>.</summary>
[MessageUrn("platform:resources:PruneVolumesResult")]
public sealed record PruneVolumesResult
{
    /// <summary>The names of the volumes removed, ordered.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];
}
