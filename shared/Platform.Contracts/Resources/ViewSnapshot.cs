using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: create a read-only view of a committed snapshot. Replies <see cref="SnapshotMountsResult"/>.</summary>
[MessageUrn("platform:resources:ViewSnapshot")]
public sealed record ViewSnapshot
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional; service default when absent.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Required. The new view key.</summary>
    public string? Key { get; init; }

    /// <summary>Optional. A committed snapshot.</summary>
    public string? Parent { get; init; }

    /// <summary>Optional. Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. Adds the view to this lease.</summary>
    public string? LeaseId { get; init; }
}
