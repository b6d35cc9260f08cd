using Platform.Client;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Which reply addresses a client may name. The services reply as their own broker user, which may publish almost
/// anywhere: a client that named another user's queue, a service's command exchange or an event exchange as its reply
/// address would have the services write there for it. So a client's replies go only to what is its own: names under
/// its prefix (<c>client:USER:</c>, <see cref="ClientNames"/>), which broker permissions let no one else declare, plus
/// the two reply-only destinations other AMQP clients use. A server-named queue (<c>amq.gen-…</c>) and a direct reply-to
/// channel (<c>amq.rabbitmq.reply-to.…</c>) can't be checked for ownership, but only the connection that declared them
/// reads them, no service consumes from one, and their names are random: naming someone else's at worst delivers them a
/// reply they did not ask for. The services' own user is exempt: it replies to its own endpoints.
/// </summary>
public static class ReplyOwnership
{
    /// <summary>How RabbitMQ names the queues it names (a queue declared with an empty name).</summary>
    public const string ServerNamedPrefix = "amq.gen-";

    /// <summary>What a refusal says is allowed; the README's Security section says the same.</summary>
    public const string Rule =
        "a client's replies may go only to its own names (client:USER:...), a server-named queue (amq.gen-...) or direct reply-to (amq.rabbitmq.reply-to)";

    /// <summary>
    /// Why replies to <paramref name="target"/> are refused for <paramref name="user"/>, or null when they may go there.
    /// </summary>
    /// <param name="user">The request's AMQP <c>user_id</c>; null when it has none (then it owns no name).</param>
    /// <param name="target">Where the request asked its replies to go.</param>
    /// <param name="declared">For an exchange: every exchange and queue MassTransit would declare or bind to reach it
    /// (<see cref="ReplyExchanges.NamesFor"/>), so an address can't bind its own exchange to a queue that is not the
    /// client's; null for just the exchange itself.</param>
    /// <param name="role">What the address is to the request, for the message: its reply address or its fault address.</param>
    public static string? Refusal(string? user, ReplyTarget target, IReadOnlyCollection<string>? declared = null, string role = "reply address") => target switch
    {
        ReplyTarget.Queue { Name: var queue } when queue.StartsWith(ServerNamedPrefix, StringComparison.Ordinal)
            || queue.StartsWith(ReplyTarget.DirectReplyTo + ".", StringComparison.Ordinal) || Owns(user, queue) => null,
        ReplyTarget.Queue { Name: var queue } => Refused(role, user, $"queue {queue}", queue),
        ReplyTarget.Exchange exchange => (declared ?? [exchange.Name]).FirstOrDefault(name => !Owns(user, name)) is { } foreign
            ? Refused(role, user, exchange.Address.ToString(), foreign)
            : null,
        _ => null,
    };

    /// <summary>Whether <paramref name="name"/> is under <paramref name="user"/>'s client prefix.</summary>
    public static bool Owns(string? user, string name) =>
        user is { Length: > 0 } && name.StartsWith(ClientNames.Of(user), StringComparison.Ordinal);

    private static string Refused(string role, string? user, string address, string foreign) =>
        user is null
            ? $"{role} {address} is refused for a message without user_id (it owns no names): {Rule}"
            : $"{role} {address} is not user \"{user}\"'s: {Rule}, and {foreign} is not under {ClientNames.Of(user)}";
}
