using MassTransit;

namespace Platform.Contracts.Images;

/// <summary>Reply to <see cref="CreateImage"/>, <see cref="GetImage"/>, <see cref="UpdateImage"/> and <see cref="DeleteImage"/>.</summary>
[MessageUrn("platform:images:ImageResult")]
public sealed record ImageResult
{
    /// <summary>Required. The image as stored now (as it was, for a delete).</summary>
    public required Image Image { get; init; }
}
