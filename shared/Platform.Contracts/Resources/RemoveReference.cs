using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: drop an owner's reference; the resource is collected promptly if nothing else holds it. Replies <see cref="ReferenceResult"/>.</summary>
[MessageUrn("platform:resources:RemoveReference")]
[Requires(Access.Service)]
public sealed record RemoveReference
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public ResourceRef? Resource { get; init; }

    /// <summary>Required.</summary>
    public string? OwnerKind { get; init; }

    /// <summary>Required.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Optional. Which incarnation of the owner (a container's creation time in ticks), so a re-created container's reference is not released by its predecessor's deletion.</summary>
    public long OwnerGeneration { get; init; }
}
