namespace Platform.Contracts.Users;

/// <summary>What a user may do in a namespace.</summary>
public enum NamespaceRole
{
    /// <summary>Get, list, wait, read logs and events.</summary>
    Read = 1,

    /// <summary>Everything in the namespace, within the runtime policy.</summary>
    ReadWrite = 2,
}

/// <summary>One namespace granted to a user.</summary>
[MassTransit.MessageUrn("platform:users:UserGrant")]
public sealed record UserGrant
{
    /// <summary>Required. The namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required. Read or read-write.</summary>
    public required NamespaceRole Role { get; init; }

    /// <summary>The runtime policy and archive rules are lifted for this user in this namespace. Default false.</summary>
    public bool Privileged { get; init; }
}
