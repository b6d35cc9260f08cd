using MassTransit;

namespace Platform.Hosting.Security;

/// <summary>What a user may do in one namespace.</summary>
public enum NamespaceAccess
{
    None = 0,
    Read = 1,
    ReadWrite = 2,
}

/// <summary>One namespace a user is granted: read or read-write, and whether the runtime policy is lifted there.</summary>
public sealed record NamespaceGrant(NamespaceAccess Access, bool Privileged);

/// <summary>
/// Who sent the message being consumed, as the authorisation filter established it from the AMQP <c>user_id</c>
/// property (which RabbitMQ checks against the connection's user) and the user's grants. Consumers read it with
/// <see cref="CallerContext.GetCaller"/>; nothing in a message body says who sent it.
/// </summary>
public sealed record Caller
{
    /// <summary>The broker user that published the message.</summary>
    public required string User { get; init; }

    /// <summary>The services' own broker user: may send internal commands and publish events.</summary>
    public bool IsService { get; init; }

    /// <summary>An administrator: every namespace, read-write and privileged, and user management.</summary>
    public bool IsAdmin { get; init; }

    /// <summary>Granted namespaces, by name.</summary>
    public IReadOnlyDictionary<string, NamespaceGrant> Grants { get; init; } = new Dictionary<string, NamespaceGrant>();

    /// <summary>What the caller may do in <paramref name="namespace"/>.</summary>
    public NamespaceAccess AccessTo(string @namespace) =>
        IsService || IsAdmin ? NamespaceAccess.ReadWrite
        : Grants.TryGetValue(@namespace, out var grant) ? grant.Access
        : NamespaceAccess.None;

    /// <summary>Whether the runtime policy and archive rules are lifted for this caller in <paramref name="namespace"/>.</summary>
    public bool IsPrivilegedIn(string @namespace) =>
        IsService || IsAdmin || (Grants.TryGetValue(@namespace, out var grant) && grant.Privileged);
}

public static class CallerContext
{
    /// <summary>
    /// The caller of the message being consumed. Every Platform bus runs the authorisation filter before its
    /// consumers, so a missing caller is a wiring mistake, not a user error.
    /// </summary>
    public static Caller GetCaller(this ConsumeContext context) =>
        context.TryGetPayload<Caller>(out var caller)
            ? caller
            : throw new InvalidOperationException("no caller on this message: the authorisation filter did not run before the consumer");
}
