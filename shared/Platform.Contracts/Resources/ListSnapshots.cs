using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: a page of snapshots matching filters (<c>kind</c>, <c>name</c>, <c>parent</c>, <c>labels.KEY</c>), ordered by key. Replies <see cref="ListSnapshotsResult"/>.</summary>
[MessageUrn("platform:resources:ListSnapshots")]
[Requires(Access.Read)]
public sealed record ListSnapshots
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional. containerd filters, OR across entries.</summary>
    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Optional. Page size; 0 means 1,000; capped at 5,000.</summary>
    public int Limit { get; init; }

    /// <summary>Optional. From the previous page.</summary>
    public string? ContinuationToken { get; init; }
}
