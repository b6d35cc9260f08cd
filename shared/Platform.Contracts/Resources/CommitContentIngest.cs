using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Command: verify an ingest's size and digest and commit it as content. A mismatch is InvalidArgument and leaves
/// nothing (the ingest is discarded). Replies <see cref="ContentResult"/>.
/// </summary>
[MessageUrn("platform:resources:CommitContentIngest")]
public sealed record CommitContentIngest
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The ingest reference.</summary>
    public string? Ref { get; init; }

    /// <summary>Optional. Replaces the labels given at the start of the ingest.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
