using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: a range of a content blob's bytes. Replies <see cref="ContentData"/>.</summary>
[MessageUrn("platform:resources:ReadContent")]
[Requires(Access.Read)]
public sealed record ReadContent
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. <c>sha256:HEX</c>.</summary>
    public string? Digest { get; init; }

    /// <summary>Optional. Where to start, 0 to the blob's size.</summary>
    public long Offset { get; init; }

    /// <summary>Optional. How many bytes at most; 0 means the largest chunk (1 MiB), which is also the cap.</summary>
    public int Length { get; init; }
}
