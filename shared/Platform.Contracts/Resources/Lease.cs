using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A lease: protects the resources it holds until it is deleted or expires.</summary>
[MessageUrn("platform:resources:Lease")]
public sealed record Lease
{
    /// <summary>Required. The namespace it lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required, immutable. Identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Mutable. Labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the server.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Optional. After this time the lease protects nothing and is collected.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
