using MassTransit;
using Platform.Hosting.Bus.Replies;

namespace Platform.Hosting.Bus;

public static class ConsumeContextExtensions
{
    /// <summary>
    /// Replies when the sender asked for a reply, where <see cref="ReplyRoutes"/> decided it goes. A command sent without a
    /// response address still runs and its outcome shows as an event; MassTransit would otherwise publish the reply to
    /// everyone. A reply that can't be delivered is logged and dropped: the request's work is done either way.
    /// </summary>
    public static Task ReplyAsync<T>(this ConsumeContext context, T reply) where T : class =>
        context.ReceiveContext.TryGetPayload<RoutedRequest>(out var routed)
            ? routed.Routes.SendAsync(context, routed.Route, reply)
            : context.ResponseAddress is null ? Task.CompletedTask : context.RespondAsync(reply);
}
