using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>Reply to <see cref="CopyFromTask"/>: a chunk of the tar stream and what it holds.</summary>
[MessageUrn("platform:tasks:CopyFromTaskResult")]
public sealed record CopyFromTaskResult
{
    /// <summary>Required. The download, for the next requests.</summary>
    public required Guid DownloadId { get; init; }

    /// <summary>Required (may be empty at the end). At most <see cref="CopyChunks.MaxBytes"/>.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>Required. The stream's total size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Required. This chunk ends the stream (the runner then forgets the download).</summary>
    public required bool Complete { get; init; }

    /// <summary>Required. The archive's top entry: the base name of the path copied.</summary>
    public required string Name { get; init; }

    /// <summary>Required. Whether it is a folder.</summary>
    public required bool IsDirectory { get; init; }
}
