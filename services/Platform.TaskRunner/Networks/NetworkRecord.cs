namespace Platform.TaskRunner.Networks;

/// <summary>A network of one namespace on this node: a Linux bridge with its subnet, joined through CNI.</summary>
public sealed record NetworkRecord
{
    public required string Namespace { get; init; }

    /// <summary>Unique in its namespace; identifier rules.</summary>
    public required string Name { get; init; }

    /// <summary>Unique on the node, stable for the network's life (names may be reused after removal).</summary>
    public required string Id { get; init; }

    /// <summary><c>bridge</c>, the only driver for now.</summary>
    public string Driver { get; init; } = "bridge";

    /// <summary>IPv4 CIDR, e.g. <c>10.89.0.0/24</c>.</summary>
    public required string Subnet { get; init; }

    /// <summary>The bridge's address in <see cref="Subnet"/>, e.g. <c>10.89.0.1</c>.</summary>
    public required string Gateway { get; init; }

    /// <summary>The Linux bridge's name (at most 15 characters), unique on the node.</summary>
    public required string Bridge { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset CreatedAt { get; init; }
}
