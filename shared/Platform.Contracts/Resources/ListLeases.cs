using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Query: leases matching filters (<c>id</c>, <c>labels.KEY</c>). Replies <see cref="ListLeasesResult"/>.</summary>
[MessageUrn("platform:resources:ListLeases")]
public sealed record ListLeases
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
}
