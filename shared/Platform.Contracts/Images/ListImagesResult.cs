using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Reply to <see cref="ListImages"/>: one page.</summary>
[MessageUrn("platform:images:ListImagesResult")]
public sealed record ListImagesResult
{
    /// <summary>Required. The matching images of this page, ordered by name.</summary>
    public required IReadOnlyList<Image> Images { get; init; }

    /// <summary>Set when more may follow: pass it back to get the next page. Absent on the last page.</summary>
    public string? ContinuationToken { get; init; }
}
