using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: the next chunk of a tar stream of a path in a container's filesystem (<c>cp ID:SRC DEST</c>): the running
/// task's root (its mounts included), or a stopped container's snapshot. The first request (no
/// <see cref="DownloadId"/>) resolves <see cref="Path"/> inside the root (links stay inside it; a last part that is a
/// link is copied as the link unless the path ends with <c>/</c>) and starts the stream; the next ones name the
/// download and the offset. Replies <see cref="CopyFromTaskResult"/>; NotFound for a path that isn't there.
/// </summary>
[MessageUrn("platform:tasks:CopyFromTask")]
[Requires(Access.Read)]
public sealed record CopyFromTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Required on the first request. The path inside the container.</summary>
    public string? Path { get; init; }

    /// <summary>Optional. Null to start; then the id the first reply gave.</summary>
    public Guid? DownloadId { get; init; }

    /// <summary>Optional. Where the next chunk starts: the bytes received so far.</summary>
    public long Offset { get; init; }
}
