using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>
/// Query: one page of the namespace's images that match the filters, ordered by name.
/// Replies <see cref="ListImagesResult"/> or <see cref="ErrorReply"/> (InvalidArgument for a bad filter).
/// </summary>
[MessageUrn("platform:images:ListImages")]
[Requires(Access.Read)]
public sealed record ListImages
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// Optional. containerd filters over <c>name</c> (the normalised name), <c>target.digest</c>, <c>target.mediatype</c> and
    /// <c>labels.KEY</c>: any one filter may match (OR); within one, comma-separated selectors must all match. None: all.
    /// </summary>
    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Optional. Most images in this page; 0 or absent means the server default (1,000); capped at 5,000.</summary>
    public int Limit { get; init; }

    /// <summary>Optional. The token of the previous page's result, to continue after it.</summary>
    public string? ContinuationToken { get; init; }
}
