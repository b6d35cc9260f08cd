using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Credentials for one registry, as <c>docker login</c> keeps them: a username and a password or token (Basic auth, or the
/// Bearer token service's own exchange). Sent only inside commands to the resource GC service, which uses them for that one
/// request and never stores or logs them; <see cref="ToString"/> leaves the password out.
/// </summary>
[MessageUrn("platform:resources:RegistryLogin")]
public sealed record RegistryLogin
{
    /// <summary>Required. The user name.</summary>
    public required string Username { get; init; }

    /// <summary>Required. The password or access token.</summary>
    public required string Password { get; init; }

    /// <summary>The user name only: a record's generated ToString would print the password into any log line that holds this.</summary>
    public override string ToString() => $"RegistryLogin {{ Username = {Username} }}";
}
