using MassTransit;

namespace Platform.Hosting.Commands;

/// <summary>
/// What identifies one command across deliveries: its message id, which the broker keeps when it redelivers and MassTransit
/// keeps when it retries, with the command's name and what it acts on (so a message id reused for something else is caught).
/// </summary>
public sealed record CommandKey(Guid Id, string Command, string Subject)
{
    /// <summary>The key of the message being consumed; null when it carries no message id (then nothing is remembered).</summary>
    public static CommandKey? Of<T>(ConsumeContext<T> context, string subject)
        where T : class =>
        context.MessageId is { } id && id != Guid.Empty ? new CommandKey(id, typeof(T).Name, subject) : null;

    /// <summary>The key of a command on one namespaced object, as the request names it.</summary>
    public static CommandKey? Of<T>(ConsumeContext<T> context, string? @namespace, string? id)
        where T : class =>
        Of(context, $"{@namespace}/{id}");
}
