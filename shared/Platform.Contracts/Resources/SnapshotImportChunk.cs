using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: the next part of an import's archive, in order. Replies <see cref="SnapshotImportProgress"/>.</summary>
[MessageUrn("platform:resources:SnapshotImportChunk")]
public sealed record SnapshotImportChunk
{
    /// <summary>Required. From <see cref="SnapshotImportStarted"/>.</summary>
    public string? ImportId { get; init; }

    /// <summary>Required. Position of <see cref="Data"/> in the archive; must equal the bytes received so far.</summary>
    public long Offset { get; init; }

    /// <summary>Required. At most the announced chunk size.</summary>
    public byte[]? Data { get; init; }
}
