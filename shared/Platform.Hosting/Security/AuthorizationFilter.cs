using System.Reflection;
using MassTransit;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Users;
using Platform.Hosting.Bus.Replies;

namespace Platform.Hosting.Security;

/// <summary>
/// Authorises each message before its consumer runs. The sender is the AMQP <c>user_id</c> property, which RabbitMQ
/// checks against the connection's user; nothing in the body is trusted. What the message needs is on its type
/// (<see cref="RequiresAttribute"/>): events and internal commands only from the services' own user, user management
/// from administrators, everything else a read or read-write grant in the message's namespace; and a request must name
/// reply and fault addresses of its sender's own (<see cref="ReplyOwnership"/>, decided with its route). A refusal is a
/// PermissionDenied reply naming the user, the namespace and the action (or the address and the rule); the consumer
/// never sees the message.
/// </summary>
public sealed class AuthorizationFilter<T>(CallerResolver callers) : IFilter<ConsumeContext<T>>
    where T : class
{
    private static readonly Access Required = RequiresAttribute.Of(typeof(T));
    private static readonly string Action = QueueNames.Of(typeof(T));
    private static readonly Func<T, string?>? NamespaceOf = NamespaceReader();

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var user = CallerContext.SenderOf(context)
            ?? throw PlatformException.PermissionDenied(
                $"{Action} refused: the message has no AMQP user_id property; publish it with user_id set to your broker user");
        if (context.ReceiveContext.TryGetPayload<RoutedRequest>(out var routed) && routed.Route.Refusal is { } refusal)
            throw PlatformException.PermissionDenied($"{Action} refused: {refusal}");
        var caller = await callers.ResolveAsync(user, context.CancellationToken);
        Authorise(caller, context.Message);
        context.GetOrAddPayload(() => caller);
        await next.Send(context);
    }

    private static void Authorise(Caller caller, T message)
    {
        if (caller.IsService)
            return;
        switch (Required)
        {
            case Access.Service:
                throw PlatformException.PermissionDenied($"user \"{caller.User}\" may not send {Action}: only Platform's services send it");
            case Access.Admin when !caller.IsAdmin:
                throw PlatformException.PermissionDenied($"user \"{caller.User}\" may not {Action}: it needs an administrator");
            case Access.Admin:
                return;
        }
        if (NamespaceOf is null)
        {
            // A message bound to a session (an import chunk) rather than a namespace: the consumer checks the session's owner.
            if (caller.IsAdmin || caller.Grants.Values.Any(g => g.Role == NamespaceRole.ReadWrite))
                return;
            throw PlatformException.PermissionDenied($"user \"{caller.User}\" may not {Action}: it has no read-write grant in any namespace");
        }
        var ns = NamespaceOf(message) is { Length: > 0 } named ? named : Namespaces.Default;
        var role = caller.RoleIn(ns);
        if (role is null)
            throw PlatformException.PermissionDenied($"user \"{caller.User}\" may not {Action} in namespace \"{ns}\": no grant there");
        if (Required == Access.Write && role == NamespaceRole.Read)
            throw PlatformException.PermissionDenied($"user \"{caller.User}\" may not {Action} in namespace \"{ns}\": the grant there is read-only");
    }

    private static Func<T, string?>? NamespaceReader()
    {
        var property = typeof(T).GetProperty("Namespace", BindingFlags.Public | BindingFlags.Instance);
        return property?.PropertyType == typeof(string) ? m => (string?)property.GetValue(m) : null;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platformAuthorization");
}
