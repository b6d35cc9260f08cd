using MassTransit;

namespace Platform.Hosting.Bus;

public static class ConsumeContextExtensions
{
    /// <summary>
    /// Replies when the sender asked for a reply. A command sent without a response address still runs
    /// and its outcome shows as an event; MassTransit would otherwise publish the reply to everyone.
    /// </summary>
    public static Task ReplyAsync<T>(this ConsumeContext context, T reply) where T : class =>
        context.ResponseAddress is null ? Task.CompletedTask : context.RespondAsync(reply);
}
