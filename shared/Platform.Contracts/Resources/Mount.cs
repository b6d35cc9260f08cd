using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A mount a runtime applies to use a snapshot, as data.</summary>
[MessageUrn("platform:resources:Mount")]
public sealed record Mount
{
    /// <summary>Required. Filesystem type, e.g. <c>overlay</c> or <c>bind</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Required. Mount source, e.g. <c>overlay</c> or a directory.</summary>
    public required string Source { get; init; }

    /// <summary>Mount options, e.g. <c>lowerdir=…</c>, <c>rbind</c>, <c>ro</c>.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
}
