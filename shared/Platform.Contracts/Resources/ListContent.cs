using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: a page of content matching filters (<c>digest</c>, <c>size</c>, <c>labels.KEY</c>), ordered by digest. Replies <see cref="ListContentResult"/>.</summary>
[MessageUrn("platform:resources:ListContent")]
[Requires(Access.Read)]
public sealed record ListContent
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters, OR across entries.</summary>
    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Optional. Page size; 0 means 1,000; capped at 5,000.</summary>
    public int Limit { get; init; }

    /// <summary>Optional. From the previous page.</summary>
    public string? ContinuationToken { get; init; }
}
