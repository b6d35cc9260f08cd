using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A named volume: a folder of user data on the node, kept until the user removes it (never collected).</summary>
[MessageUrn("platform:resources:Volume")]
public sealed record Volume
{
    /// <summary>Required.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required. Identifier rules; immutable.</summary>
    public required string Name { get; init; }

    /// <summary>Labels (never empty values); set at creation.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the service at creation.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The folder on the node that containers bind-mount (<c>{DataRoot}/volumes/{namespace}/{name}/_data</c>).</summary>
    public required string Mountpoint { get; init; }

    /// <summary>The containers whose spec mounts it, by id; empty when unused.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];
}
