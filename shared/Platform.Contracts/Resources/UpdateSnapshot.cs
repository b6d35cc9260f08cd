using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: change a snapshot's labels (mask paths <c>labels</c>, <c>labels.KEY</c>; none: replace all). Replies <see cref="SnapshotResult"/>.</summary>
[MessageUrn("platform:resources:UpdateSnapshot")]
public sealed record UpdateSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required.</summary>
    public string? Key { get; init; }

    /// <summary>Values for the masked paths.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. <c>labels</c> or <c>labels.KEY</c> paths.</summary>
    public IReadOnlyList<string>? UpdateMask { get; init; }
}
