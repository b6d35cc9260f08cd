using MassTransit;

namespace Platform.Hosting.Commands;

/// <summary>
/// What identifies one command across deliveries: its message id, which the broker keeps when it redelivers and MassTransit
/// keeps when it retries, with the command's name and what it acts on (so a message id reused for something else is caught).
/// <paramref name="Repeated"/>: this delivery is known to be a second one (the broker's redelivered flag, or a retry).
/// </summary>
public sealed record CommandKey(Guid Id, string Command, string Subject, bool Repeated = false)
{
    /// <summary>The key of the message being consumed; null when it carries no message id (then nothing is remembered).</summary>
    public static CommandKey? Of<T>(ConsumeContext<T> context, string subject)
        where T : class =>
        context.MessageId is { } id && id != Guid.Empty
            ? new CommandKey(id, typeof(T).Name, subject, context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0)
            : null;

    /// <summary>The key of a command on one namespaced object, as the request names it.</summary>
    public static CommandKey? Of<T>(ConsumeContext<T> context, string? @namespace, string? id)
        where T : class =>
        Of(context, $"{@namespace}/{id}");
}
