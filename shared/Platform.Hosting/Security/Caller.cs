using MassTransit;
using Platform.Contracts.Users;

namespace Platform.Hosting.Security;

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
    public IReadOnlyDictionary<string, UserGrant> Grants { get; init; } = new Dictionary<string, UserGrant>();

    /// <summary>What the caller may do in <paramref name="namespace"/>; null when nothing.</summary>
    public NamespaceRole? RoleIn(string @namespace) =>
        IsService || IsAdmin ? NamespaceRole.ReadWrite
        : Grants.TryGetValue(@namespace, out var grant) ? grant.Role
        : null;

    /// <summary>Whether the runtime policy and archive rules are lifted for this caller in <paramref name="namespace"/>.</summary>
    public bool IsPrivilegedIn(string @namespace) =>
        IsService || IsAdmin || (Grants.TryGetValue(@namespace, out var grant) && grant.Privileged);
}

public static class CallerContext
{
    /// <summary>The AMQP <c>user_id</c> property of the delivery (RabbitMQ checked it), or null when the publisher set none.</summary>
    public static string? SenderOf(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && !string.IsNullOrEmpty(rabbit.Properties.UserId)
            ? rabbit.Properties.UserId
            : null;

    /// <summary>
    /// The caller of the message being consumed. Every Platform bus runs the authorisation filter before its
    /// consumers, so a missing caller is a wiring mistake, not a user error.
    /// </summary>
    public static Caller GetCaller(this ConsumeContext context) =>
        context.TryGetPayload<Caller>(out var caller)
            ? caller
            : throw new InvalidOperationException("no caller on this message: the authorisation filter did not run before the consumer");
}
