using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: turn an active snapshot into a committed one named <see cref="Name"/>; the key disappears. Replies <see cref="SnapshotResult"/>; publishes <see cref="SnapshotCommitted"/>.</summary>
[MessageUrn("platform:resources:CommitSnapshot")]
public sealed record CommitSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The committed name.</summary>
    public string? Name { get; init; }

    /// <summary>Required. The active key.</summary>
    public string? Key { get; init; }

    /// <summary>Optional. Labels of the committed snapshot (replace the active one's when given).</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. Adds the committed snapshot to this lease.</summary>
    public string? LeaseId { get; init; }
}
