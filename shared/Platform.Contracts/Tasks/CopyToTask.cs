using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: one chunk of a tar stream to unpack into a container's filesystem (<c>cp SRC ID:DEST</c>): the running
/// task's root (its mounts included), or a stopped container's snapshot. Chunks come in order under one
/// <see cref="UploadId"/>; the one with <see cref="Complete"/> unpacks them with docker's rules for
/// <see cref="Path"/>. Replies <see cref="CopyToTaskResult"/>. Entries that would land outside the root (<c>..</c>,
/// absolute names, links) are InvalidArgument; device nodes need a privileged grant.
/// </summary>
[MessageUrn("platform:tasks:CopyToTask")]
[Requires(Access.Write)]
public sealed record CopyToTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Required. The caller's id for this upload (a new one per copy), the same on every chunk.</summary>
    public Guid UploadId { get; init; }

    /// <summary>Required. Position of <see cref="Data"/> in the stream; must equal the bytes received so far.</summary>
    public long Offset { get; init; }

    /// <summary>Optional (may be empty). At most <see cref="CopyChunks.MaxBytes"/>.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>Optional. The last chunk: unpack what was received. The fields below are read only then.</summary>
    public bool Complete { get; init; }

    /// <summary>Required with Complete. Destination inside the container, resolved in its root (links stay inside it).</summary>
    public string? Path { get; init; }

    /// <summary>
    /// Optional. The name of the archive's top entry (the copied file or folder's base name); null when the archive is
    /// a folder's contents (<c>cp -</c>, <c>SRC/.</c>), which needs Path to be an existing folder.
    /// </summary>
    public string? SourceName { get; init; }

    /// <summary>Optional. Whether the top entry is a folder.</summary>
    public bool SourceIsDirectory { get; init; }
}
