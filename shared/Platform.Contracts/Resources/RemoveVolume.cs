using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: remove a volume and its data. FailedPrecondition (naming the containers) while a container mounts it; NotFound when missing. Replies <see cref="VolumeResult"/>.</summary>
[MessageUrn("platform:resources:RemoveVolume")]
public sealed record RemoveVolume
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? Name { get; init; }
}
