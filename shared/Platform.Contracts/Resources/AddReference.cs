using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: record that an owner (a container, a task or an image) references a resource. NotFound when the resource does not exist. Replies <see cref="ReferenceResult"/>.</summary>
[MessageUrn("platform:resources:AddReference")]
[Requires(Access.Service)]
public sealed record AddReference
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public ResourceRef? Resource { get; init; }

    /// <summary>Required. <c>container</c>, <c>task</c> or <c>image</c> (whose id is the image name).</summary>
    public string? OwnerKind { get; init; }

    /// <summary>Required. The owner's id.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Optional. Which incarnation of the owner (a container's creation time in ticks), so a re-created container's reference is not released by its predecessor's deletion.</summary>
    public long OwnerGeneration { get; init; }
}
