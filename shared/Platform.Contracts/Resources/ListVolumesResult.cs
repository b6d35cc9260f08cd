using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply to <see cref="ListVolumes"/>.</summary>
[MessageUrn("platform:resources:ListVolumesResult")]
public sealed record ListVolumesResult
{
    /// <summary>Required. Ordered by name.</summary>
    public IReadOnlyList<Volume> Volumes { get; init; } = [];
}
