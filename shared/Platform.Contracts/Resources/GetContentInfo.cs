using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: one content record. NotFound naming the namespace and digest. Replies <see cref="ContentResult"/>.</summary>
[MessageUrn("platform:resources:GetContentInfo")]
[Requires(Access.Read)]
public sealed record GetContentInfo
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. <c>sha256:HEX</c>.</summary>
    public string? Digest { get; init; }
}
