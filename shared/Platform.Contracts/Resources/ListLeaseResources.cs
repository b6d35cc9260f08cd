using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: what a lease holds. Replies <see cref="LeaseResourcesResult"/>.</summary>
[MessageUrn("platform:resources:ListLeaseResources")]
[Requires(Access.Read)]
public sealed record ListLeaseResources
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? LeaseId { get; init; }
}
