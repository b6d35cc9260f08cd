using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: one page of content records.</summary>
[MessageUrn("platform:resources:ListContentResult")]
public sealed record ListContentResult
{
    /// <summary>Required. The page.</summary>
    public required IReadOnlyList<Content> Contents { get; init; }

    /// <summary>Set when more may follow.</summary>
    public string? ContinuationToken { get; init; }
}
