using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: the volumes of a namespace matching filters (<c>name</c>, <c>labels.KEY</c>), ordered by name. Replies <see cref="ListVolumesResult"/>.</summary>
[MessageUrn("platform:resources:ListVolumes")]
[Requires(Access.Read)]
public sealed record ListVolumes
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
}
