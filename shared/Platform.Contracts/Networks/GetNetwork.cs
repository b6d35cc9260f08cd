using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>Query: one network, with the containers using it. NotFound when missing. Replies <see cref="NetworkResult"/>.</summary>
[MessageUrn("platform:networks:GetNetwork")]
[Requires(Access.Read)]
public sealed record GetNetwork
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? Name { get; init; }
}
