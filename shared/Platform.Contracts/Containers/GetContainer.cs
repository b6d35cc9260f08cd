using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Query: one container. Replies <see cref="GetContainerResult"/> or <see cref="ErrorReply"/> (NotFound).</summary>
[MessageUrn("platform:containers:GetContainer")]
[Requires(Access.Read)]
public sealed record GetContainer
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container's identifier.</summary>
    public string? Id { get; init; }
}
