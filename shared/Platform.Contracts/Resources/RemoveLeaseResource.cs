using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: stop a lease holding a resource. Replies <see cref="LeaseResourcesResult"/>.</summary>
[MessageUrn("platform:resources:RemoveLeaseResource")]
public sealed record RemoveLeaseResource
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? LeaseId { get; init; }

    /// <summary>Required.</summary>
    public ResourceRef? Resource { get; init; }
}
