using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>
/// Command: remove a network. FailedPrecondition (naming the containers) while a container of the namespace names it;
/// NotFound when missing. The default network may be removed while unused: it is created again on next use. Replies
/// <see cref="NetworkResult"/>.
/// </summary>
[MessageUrn("platform:networks:RemoveNetwork")]
public sealed record RemoveNetwork
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? Name { get; init; }
}
