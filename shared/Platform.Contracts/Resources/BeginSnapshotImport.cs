using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: start importing a tar (optionally gzip) archive as a committed snapshot. The archive follows in <see cref="SnapshotImportChunk"/> messages. Replies <see cref="SnapshotImportStarted"/>.</summary>
[MessageUrn("platform:resources:BeginSnapshotImport")]
public sealed record BeginSnapshotImport
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The committed name.</summary>
    public string? Name { get; init; }

    /// <summary>Optional. A committed parent.</summary>
    public string? Parent { get; init; }

    /// <summary>Optional. Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. Adds the snapshot to this lease, which then decides how long it lives. Without one the snapshot is kept as a root (label <c>platform.io/gc.root=import</c>) until it is removed by name.</summary>
    public string? LeaseId { get; init; }

    /// <summary>Required. Archive size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Required. <c>sha256:HEX</c> of the archive bytes, verified before anything is committed.</summary>
    public string? Digest { get; init; }
}
