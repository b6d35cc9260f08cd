using MassTransit;

namespace Platform.Contracts.Networks;

/// <summary>A bridge network of one namespace on the node: the subnet its tasks get addresses from, joined through CNI.</summary>
[MessageUrn("platform:networks:Network")]
public sealed record Network
{
    /// <summary>Required.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required. Identifier rules, unique in its namespace; immutable.</summary>
    public required string Name { get; init; }

    /// <summary>Required. 64 hex characters, unique on the node and never reused; immutable.</summary>
    public required string Id { get; init; }

    /// <summary>Required. <c>bridge</c>, the only driver for now.</summary>
    public required string Driver { get; init; }

    /// <summary>Required. IPv4 CIDR, e.g. <c>10.89.0.0/24</c>; immutable.</summary>
    public required string Subnet { get; init; }

    /// <summary>Required. The bridge's address inside <see cref="Subnet"/>; immutable.</summary>
    public required string Gateway { get; init; }

    /// <summary>Required. The Linux bridge's name (<c>plat</c> + 8 hex characters of the id); immutable.</summary>
    public required string Bridge { get; init; }

    /// <summary>Labels (never empty values); set at creation.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the service at creation.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The containers of the namespace whose label <c>platform.io/network</c> names it (for the default network, also
    /// those without the label), by id, ordered; empty when unused. Read when asked, never stored.
    /// </summary>
    public IReadOnlyList<string> Containers { get; init; } = [];
}
