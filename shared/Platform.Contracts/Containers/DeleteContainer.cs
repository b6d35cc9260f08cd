using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// Command: delete a container. Refused (FailedPrecondition) while its task is alive unless <see cref="Force"/>.
/// Replies <see cref="DeleteContainerResult"/> or <see cref="ErrorReply"/>; publishes <see cref="ContainerDeleted"/>.
/// </summary>
[MessageUrn("platform:containers:DeleteContainer")]
public sealed record DeleteContainer
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container to delete.</summary>
    public string? Id { get; init; }

    /// <summary>Optional. Kill and delete a live task first instead of refusing.</summary>
    public bool Force { get; init; }

    /// <summary>Optional. When set, delete only if the stored version equals it (else FailedPrecondition).</summary>
    public long? ExpectedVersion { get; init; }
}
