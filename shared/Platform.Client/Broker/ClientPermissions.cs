using System.Text.RegularExpressions;
using Platform.Contracts;
using Platform.Contracts.Users;

namespace Platform.Client;

/// <summary>
/// The RabbitMQ permissions of a Platform user on its vhost: regular expressions over queue and exchange names, the
/// least that let the client library work. Platform's authorisation filter still checks every message; these make
/// the broker refuse, below it, what no grant could ever allow.
/// </summary>
/// <param name="Configure">Declare and delete: the client's own names only (<see cref="ClientNames"/>): its bus endpoint
/// (replies), event subscription queues, and the exchange it sends through. Never a service's queue or exchange, since
/// configure includes delete.</param>
/// <param name="Write">Publish to an exchange, bind to a queue or exchange: its own names (MassTransit binds its
/// endpoint exchanges to its queues; it publishes to its send exchange) and the command exchanges of what it may send
/// (<see cref="ClientCommands"/>, by access), which it binds its send exchange to. No event exchange (events are the
/// services' alone) and no internal command (add-reference, remove-reference) or service event queue.</param>
/// <param name="Read">Consume from a queue, bind from an exchange: its own names (it consumes its replies and events;
/// its send exchange is the source of its command bindings) and the event exchanges, whose bindings topic permissions
/// limit to the user's namespaces (<see cref="TopicPermissions"/>). No service queue: a client can't take another's
/// commands.</param>
public sealed record ClientPermissions(string Configure, string Write, string Read)
{
    /// <summary>
    /// The permissions of <paramref name="user"/> for services whose queues start with <paramref name="endpointPrefix"/>
    /// (<c>Bus:EndpointPrefix</c>). Write covers the queries for any user, the commands for a user with a read-write
    /// grant, user management and collection for administrators.
    /// </summary>
    public static ClientPermissions For(PlatformUser user, string endpointPrefix = "")
    {
        var own = "^" + Regex.Escape(ClientNames.Of(user.Name));
        var access = user.Admin ? Access.Admin
            : user.Grants.Any(g => g.Role == NamespaceRole.ReadWrite) ? Access.Write
            : Access.Read;
        var commands = $"^{Regex.Escape(endpointPrefix)}(?:{string.Join('|', ClientCommands.QueuesFor(access))})$";
        var events = "^" + Regex.Escape(EventTopology.ExchangePrefix);
        return new ClientPermissions(own, $"{own}|{commands}", $"{own}|{events}");
    }
}

/// <summary>
/// A user's topic permissions on one event exchange: which routing keys (namespaces) it may publish with and bind.
/// RabbitMQ allows every routing key on a topic exchange for which a user has no topic permission, so a user gets one
/// for every event exchange.
/// </summary>
/// <param name="Exchange">The event exchange.</param>
/// <param name="Write">Routing keys it may publish with: none (<c>^$</c>; events' routing keys are never empty), a
/// second lock behind its permissions, which give no write on event exchanges at all.</param>
/// <param name="Read">Binding keys it may use: exactly its granted namespaces (read or read-write), or anything for an
/// administrator (who sees every namespace); <c>^$</c> with no grant. A wildcard such as <c>#</c> is not a namespace,
/// so a user can't bind one.</param>
public sealed record TopicPermissions(string Exchange, string Write, string Read)
{
    /// <summary>No routing key: events never have an empty one.</summary>
    public const string Nothing = "^$";

    /// <summary>One per event exchange.</summary>
    public static IReadOnlyList<TopicPermissions> For(PlatformUser user)
    {
        var read = user.Admin ? ".*"
            : user.Grants.Count == 0 ? Nothing
            : $"^(?:{string.Join('|', user.Grants.Select(g => Regex.Escape(g.Namespace)).Order(StringComparer.Ordinal))})$";
        return [.. EventTopology.Exchanges.Select(exchange => new TopicPermissions(exchange, Nothing, read))];
    }

    /// <summary>Whether a binding with <paramref name="routingKey"/> is one <paramref name="user"/> may still hold.</summary>
    public static bool Allows(PlatformUser user, string routingKey) =>
        user.Admin || user.Grants.Any(g => g.Namespace == routingKey);
}
