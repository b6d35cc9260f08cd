using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: why a resource is alive, or that it is garbage. Replies <see cref="ResourceExplanation"/>.</summary>
[MessageUrn("platform:resources:ExplainResource")]
[Requires(Access.Read)]
public sealed record ExplainResource
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public ResourceRef? Resource { get; init; }
}
