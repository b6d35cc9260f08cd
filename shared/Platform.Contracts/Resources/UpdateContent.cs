using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: change a content record's labels (mask paths <c>labels</c>, <c>labels.KEY</c>; none: replace all). Replies <see cref="ContentResult"/>.</summary>
[MessageUrn("platform:resources:UpdateContent")]
public sealed record UpdateContent
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. <c>sha256:HEX</c>.</summary>
    public string? Digest { get; init; }

    /// <summary>Values for the masked paths.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. <c>labels</c> or <c>labels.KEY</c> paths.</summary>
    public IReadOnlyList<string>? UpdateMask { get; init; }
}
