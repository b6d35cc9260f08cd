using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: a page of leases matching filters (<c>id</c>, <c>labels.KEY</c>), ordered by id. Replies <see cref="ListLeasesResult"/>.</summary>
[MessageUrn("platform:resources:ListLeases")]
[Requires(Access.Read)]
public sealed record ListLeases
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
    /// <summary>Optional. Page size; 0 means 1,000; capped at 5,000.</summary>
    public int Limit { get; init; }
    /// <summary>Optional. From the previous page.</summary>
    public string? ContinuationToken { get; init; }
}
