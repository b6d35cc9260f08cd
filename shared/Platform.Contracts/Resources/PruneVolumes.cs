using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: remove every volume of the namespace that no container uses (and that matches the filters). Replies <see cref="PruneVolumesResult"/>.</summary>
[MessageUrn("platform:resources:PruneVolumes")]
public sealed record PruneVolumes
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters (<c>labels.KEY==VALUE</c>, <c>name</c>); all unused volumes when absent.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
}
