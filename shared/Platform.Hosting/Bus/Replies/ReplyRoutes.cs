using System.Runtime.Serialization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using PublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Where one request's replies go, and the addresses MassTransit may still see for its own responses and faults: the
/// envelope's, or null where sending there would make it declare what the broker refuses.
/// </summary>
public sealed record ReplyRoute(ReplyTarget Target, Uri? ResponseAddress, Uri? FaultAddress);

/// <summary>A request and its route, kept on the delivery so replies and the error pipe find them.</summary>
public sealed record RoutedRequest(ConsumeContext Request, ReplyRoute Route, ReplyRoutes Routes);

/// <summary>
/// Decides each request's <see cref="ReplyRoute"/> once and sends its replies there. A reply that can't be delivered is
/// logged once and dropped after a few attempts: it never fails the request, whose work is done.
/// </summary>
public sealed class ReplyRoutes(ReplyExchanges exchanges, PlainReplies plain, ILogger<ReplyRoutes> logger)
{
    private static readonly ResiliencePipeline Attempts = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
        })
        // Per attempt: a send waits for a channel, and while the connection is down that could be for ever.
        .AddTimeout(TimeSpan.FromSeconds(5))
        .Build();

    /// <summary>The route of the request being consumed, decided on first use and kept on its delivery.</summary>
    public async Task<ReplyRoute> ResolveAsync(ConsumeContext context)
    {
        if (context.ReceiveContext.TryGetPayload<RoutedRequest>(out var known))
            return known.Route;
        var target = ReplyTarget.Of(context.ResponseAddress, ReplyToOf(context));
        if (target is ReplyTarget.Exchange exchange
            && await exchanges.RefusalAsync(context.ReceiveContext, exchange.Address, context.CancellationToken) is { } refusal)
            target = new ReplyTarget.Unusable($"the broker refuses what replies to {exchange.Address} need: {refusal}");
        if (target is ReplyTarget.Unusable unusable)
        {
            logger.LogWarning("Replies to {MessageType} {MessageId} will be dropped: {Reason}",
                MessageTypeOf(context), context.MessageId, unusable.Reason);
        }

        var route = new ReplyRoute(target,
            target is ReplyTarget.Exchange ? context.ResponseAddress : null,
            await FaultAddressAsync(context, target));
        return context.ReceiveContext.GetOrAddPayload(() => new RoutedRequest(context, route, this)).Route;
    }

    /// <summary>MassTransit sends faults to the fault address, else the response address: only to an exchange it may declare.</summary>
    private async Task<Uri?> FaultAddressAsync(ConsumeContext context, ReplyTarget replies)
    {
        if (context.FaultAddress is null)
            return null;
        if (context.FaultAddress == context.ResponseAddress)
            return replies is ReplyTarget.Exchange ? context.FaultAddress : null;
        return ReplyTarget.Of(context.FaultAddress, null) is ReplyTarget.Exchange
            && await exchanges.RefusalAsync(context.ReceiveContext, context.FaultAddress, context.CancellationToken) is null
                ? context.FaultAddress
                : null;
    }

    /// <summary>
    /// Sends <paramref name="reply"/> along <paramref name="route"/>: to a queue through the default exchange, or to an
    /// exchange as MassTransit would. Never throws for a reply that could not be delivered.
    /// </summary>
    public async Task SendAsync<T>(ConsumeContext context, ReplyRoute route, T reply) where T : class
    {
        if (route.Target is not (ReplyTarget.Queue or ReplyTarget.Exchange))
            return;
        var attempts = 0;
        try
        {
            await Attempts.ExecuteAsync(async ct =>
            {
                attempts++;
                if (route.Target is ReplyTarget.Queue queue)
                    await plain.PublishAsync(context, queue.Name, reply, ct);
                else
                    await SendToExchangeAsync(context, ((ReplyTarget.Exchange)route.Target).Address, reply, ct);
            }, context.CancellationToken);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested)
        {
            var to = route.Target is ReplyTarget.Queue q ? $"queue {q.Name}" : ((ReplyTarget.Exchange)route.Target).Address.ToString();
            if (e is PublishException { IsReturn: true })
            {
                logger.LogWarning("Reply {ReplyType} to {MessageType} {MessageId} dropped: the broker has no {ReplyTo}",
                    typeof(T).Name, MessageTypeOf(context), context.MessageId, to);
            }
            else
            {
                logger.LogWarning(e, "Reply {ReplyType} to {MessageType} {MessageId} dropped after {Attempts} attempt(s) to {ReplyTo}: {Reason}",
                    typeof(T).Name, MessageTypeOf(context), context.MessageId, attempts, to, e.GetBaseException().Message);
            }
        }
    }

    /// <summary>
    /// As MassTransit responds, but through the delivery's plain send endpoint provider: the consume context's would count
    /// a failed send against the request at the end of the receive, and the broker would deliver the request again.
    /// </summary>
    private static async Task SendToExchangeAsync<T>(ConsumeContext context, Uri address, T reply, CancellationToken cancellationToken) where T : class
    {
        var endpoint = await context.ReceiveContext.SendEndpointProvider.GetSendEndpoint(address);
        await endpoint.Send(reply, Pipe.Execute<SendContext<T>>(send =>
        {
            send.TransferConsumeContextHeaders(context);
            send.RequestId = context.RequestId;
        }), cancellationToken);
    }

    private static bool IsTransient(Exception e) =>
        e is not (PublishException { IsReturn: true } or MessageReturnedException or ArgumentException or FormatException
            or SerializationException or OperationCanceledException);

    private static string? ReplyToOf(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Properties.IsReplyToPresent()
            ? rabbit.Properties.ReplyTo
            : null;

    private static string MessageTypeOf(ConsumeContext context) => context.SupportedMessageTypes.FirstOrDefault() ?? "message";
}
