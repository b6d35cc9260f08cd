using MassTransit;
using MassTransit.Context;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// First on every delivery, before its message is read as its type and outside every retry: decides where the request's
/// replies go, and hides from MassTransit (its responses, and the faults it sends after the last retry) any address it
/// would make it declare what the broker refuses. Replies themselves go through
/// <see cref="ConsumeContextExtensions.ReplyAsync{T}"/>; failures through <see cref="ReplyOnErrorFilter"/>.
/// </summary>
public sealed class ReplyRouteFilter(ReplyRoutes routes) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        var route = await routes.ResolveAsync(context);
        if (route.ResponseAddress == context.ResponseAddress && route.FaultAddress == context.FaultAddress)
            await next.Send(context);
        else
            await next.Send(new RoutedConsumeContext(context, route));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platformReplyRoute");

    /// <summary>The request as its consumers and MassTransit see it, with the addresses the route leaves.</summary>
    private sealed class RoutedConsumeContext(ConsumeContext context, ReplyRoute route) : ConsumeContextProxy(context)
    {
        public override Uri? ResponseAddress => route.ResponseAddress;

        public override Uri? FaultAddress => route.FaultAddress;
    }
}
