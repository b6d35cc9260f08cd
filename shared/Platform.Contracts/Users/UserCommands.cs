using MassTransit;

namespace Platform.Contracts.Users;

/// <summary>
/// Command (administrators): records a user's grants. The broker user itself is made by the caller (RabbitMQ's
/// management API), so no password travels on the bus. Replies <see cref="UserResult"/> or AlreadyExists.
/// </summary>
[MessageUrn("platform:users:CreateUser")]
[Requires(Access.Admin)]
public sealed record CreateUser
{
    /// <summary>Required. The broker user's name: letters, digits, '.', '_' and '-', at most 64.</summary>
    public string? Name { get; init; }

    /// <summary>Every namespace, read-write and privileged, and user management. Default false.</summary>
    public bool Admin { get; init; }

    /// <summary>The namespaces granted, at most one entry per namespace. Default none.</summary>
    public IReadOnlyList<UserGrant>? Grants { get; init; }
}

/// <summary>Query (administrators; the services read grants with it): one user. Replies <see cref="UserResult"/> or NotFound.</summary>
[MessageUrn("platform:users:GetUser")]
[Requires(Access.Admin)]
public sealed record GetUser
{
    /// <summary>Required. The broker user's name.</summary>
    public string? Name { get; init; }
}

/// <summary>Query (administrators): every user, sorted by name. Replies <see cref="ListUsersResult"/>.</summary>
[MessageUrn("platform:users:ListUsers")]
[Requires(Access.Admin)]
public sealed record ListUsers;

/// <summary>Command (administrators): forgets a user's grants. Replies <see cref="UserResult"/> (the removed user) or NotFound.</summary>
[MessageUrn("platform:users:DeleteUser")]
[Requires(Access.Admin)]
public sealed record DeleteUser
{
    /// <summary>Required. The broker user's name.</summary>
    public string? Name { get; init; }
}

/// <summary>Command (administrators): grants one namespace, replacing an earlier grant of it. Replies <see cref="UserResult"/>.</summary>
[MessageUrn("platform:users:GrantNamespace")]
[Requires(Access.Admin)]
public sealed record GrantNamespace
{
    /// <summary>Required. The user's name.</summary>
    public string? User { get; init; }

    /// <summary>Required. The namespace, role and privilege granted.</summary>
    public UserGrant? Grant { get; init; }
}

/// <summary>Command (administrators): takes one namespace away. Replies <see cref="UserResult"/>; NotFound when the user has no such grant.</summary>
[MessageUrn("platform:users:RevokeNamespace")]
[Requires(Access.Admin)]
public sealed record RevokeNamespace
{
    /// <summary>Required. The user's name.</summary>
    public string? User { get; init; }

    /// <summary>Required. The namespace to take away.</summary>
    public string? Namespace { get; init; }
}

/// <summary>The reply to a user command or query.</summary>
[MessageUrn("platform:users:UserResult")]
public sealed record UserResult
{
    /// <summary>The user as stored after the command.</summary>
    public required PlatformUser User { get; init; }
}

/// <summary>The reply to <see cref="ListUsers"/>.</summary>
[MessageUrn("platform:users:ListUsersResult")]
public sealed record ListUsersResult
{
    /// <summary>Every user, sorted by name.</summary>
    public required IReadOnlyList<PlatformUser> Users { get; init; }
}
