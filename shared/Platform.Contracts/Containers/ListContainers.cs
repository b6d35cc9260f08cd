using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>
/// Query: one page of the namespace's containers that match the filters, ordered by id.
/// Replies <see cref="ListContainersResult"/> or <see cref="ErrorReply"/> (InvalidArgument for a bad filter).
/// </summary>
[MessageUrn("platform:containers:ListContainers")]
[Requires(Access.Read)]
public sealed record ListContainers
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters: any one may match (OR); within one, comma-separated selectors must all match. None: all.</summary>
    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Optional. Most containers in this page; 0 or absent means the server default (1,000); capped at 5,000.</summary>
    public int Limit { get; init; }

    /// <summary>Optional. The token of the previous page's result, to continue after it.</summary>
    public string? ContinuationToken { get; init; }
}
