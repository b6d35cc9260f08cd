using System.Text;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Where a request's replies go, read from its envelope's <c>responseAddress</c> and its AMQP <c>reply_to</c>
/// property. MassTransit reads every address as an exchange to declare; names RabbitMQ reserves (<c>amq.*</c>) can't
/// be declared, and trying closes the channel the request arrived on, so those are reached as queues instead.
/// </summary>
public abstract record ReplyTarget
{
    /// <summary>The pseudo-queue of RabbitMQ's direct reply-to; the broker rewrites it to <c>amq.rabbitmq.reply-to.…</c> in <c>reply_to</c>.</summary>
    public const string DirectReplyTo = "amq.rabbitmq.reply-to";

    private ReplyTarget()
    {
    }

    /// <summary>No reply was asked for: a command whose outcome shows as an event.</summary>
    public sealed record None : ReplyTarget;

    /// <summary>
    /// A queue, reached through the default exchange with its name as the routing key; nothing is declared. Server-named
    /// queues (<c>amq.gen-…</c>), direct reply-to, and a bare <c>reply_to</c> property (the RabbitMQ RPC tutorial's way).
    /// </summary>
    public sealed record Queue(string Name) : ReplyTarget;

    /// <summary>An exchange, as MassTransit reads an address: declared as the address says (fanout, durable unless <c>temporary</c>), then published to.</summary>
    public sealed record Exchange(Uri Address) : ReplyTarget
    {
        /// <summary>The exchange's name (the address's last segment).</summary>
        public string Name => NameOf(Address) ?? "";
    }

    /// <summary>Replies can't go anywhere; they are dropped, and the reason is logged.</summary>
    public sealed record Unusable(string Reason) : ReplyTarget;

    /// <summary>
    /// Decides where replies go. An envelope address wins over <c>reply_to</c>, except for direct reply-to, whose real
    /// routing key only the broker knows (it puts it in <c>reply_to</c>).
    /// </summary>
    public static ReplyTarget Of(Uri? responseAddress, string? replyTo)
    {
        if (responseAddress is null)
            return string.IsNullOrWhiteSpace(replyTo) ? new None() : QueueNamed(replyTo, "reply_to");
        var name = NameOf(responseAddress);
        if (name is null)
            return new Unusable($"{responseAddress} is not a RabbitMQ address");
        if (name == DirectReplyTo)
        {
            return replyTo is not null && replyTo.StartsWith(DirectReplyTo + ".", StringComparison.Ordinal)
                ? QueueNamed(replyTo, "reply_to")
                : new Unusable($"{responseAddress} is direct reply-to, but the request has no reply_to property from the broker (publish it with reply_to = {DirectReplyTo})");
        }
        if (name.StartsWith("amq.", StringComparison.Ordinal))
            return QueueNamed(name, "responseAddress");
        return Encoding.UTF8.GetByteCount(name) <= 255
            ? new Exchange(responseAddress)
            : new Unusable("the responseAddress exchange name is longer than the 255 bytes AMQP allows");
    }

    private static ReplyTarget QueueNamed(string name, string from) =>
        Encoding.UTF8.GetByteCount(name) <= 255
            ? new Queue(name)
            : new Unusable($"the {from} queue name is longer than the 255 bytes AMQP allows");

    /// <summary>The queue or exchange an address names: its last path segment, as MassTransit reads it.</summary>
    public static string? NameOf(Uri address)
    {
        if (!address.IsAbsoluteUri)
            return null;
        switch (address.Scheme.ToLowerInvariant())
        {
            case "rabbitmq" or "rabbitmqs" or "amqp" or "amqps":
                var segments = address.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
                return segments.Length == 0 ? null : Uri.UnescapeDataString(segments[^1]);
            case "queue" or "exchange":
                return address.AbsolutePath.Length == 0 ? null : Uri.UnescapeDataString(address.AbsolutePath);
            default:
                return null;
        }
    }
}
