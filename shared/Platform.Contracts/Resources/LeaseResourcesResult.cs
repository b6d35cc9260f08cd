using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: the resources a lease holds.</summary>
[MessageUrn("platform:resources:LeaseResourcesResult")]
public sealed record LeaseResourcesResult
{
    /// <summary>Required.</summary>
    public required IReadOnlyList<ResourceRef> Resources { get; init; }
}
