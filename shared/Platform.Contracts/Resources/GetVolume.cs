using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: one volume, with the containers using it. NotFound when missing. Replies <see cref="VolumeResult"/>.</summary>
[MessageUrn("platform:resources:GetVolume")]
[Requires(Access.Read)]
public sealed record GetVolume
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? Name { get; init; }
}
