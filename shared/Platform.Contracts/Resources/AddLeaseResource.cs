using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: make a lease hold a resource. Replies <see cref="LeaseResourcesResult"/>.</summary>
[MessageUrn("platform:resources:AddLeaseResource")]
public sealed record AddLeaseResource
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? LeaseId { get; init; }

    /// <summary>Required.</summary>
    public ResourceRef? Resource { get; init; }
}
