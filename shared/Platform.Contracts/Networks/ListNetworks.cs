using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>
/// Query: the networks of a namespace matching filters (fields <c>name</c>, <c>id</c>, <c>driver</c>, <c>subnet</c>,
/// <c>labels.KEY</c>), ordered by name. Replies <see cref="ListNetworksResult"/>.
/// </summary>
[MessageUrn("platform:networks:ListNetworks")]
[Requires(Access.Read)]
public sealed record ListNetworks
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. containerd filters; alternatives, a network matches when any matches. Absent: all.</summary>
    public IReadOnlyList<string>? Filters { get; init; }
}
