using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Query: one image. Replies <see cref="ImageResult"/> or <see cref="ErrorReply"/> (NotFound).</summary>
[MessageUrn("platform:images:GetImage")]
[Requires(Access.Read)]
public sealed record GetImage
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The image's name, in any form that normalises to the stored one.</summary>
    public string? Name { get; init; }
}
