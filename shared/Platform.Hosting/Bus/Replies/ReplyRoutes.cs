using System.Runtime.Serialization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Options;
using Platform.Hosting.Security;
using Polly;
using Polly.Retry;
using PublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Where one request's replies go, and the addresses MassTransit may still see for its own responses and faults: the
/// envelope's, or null where sending there would make it declare what the broker refuses or reach what is not the
/// sender's. <paramref name="Refusal"/>, when set, says why the request itself is refused: it named a reply or fault
/// address that is not its sender's (<see cref="ReplyOwnership"/>); the authorisation filter then refuses it.
/// </summary>
public sealed record ReplyRoute(ReplyTarget Target, Uri? ResponseAddress, Uri? FaultAddress, string? Refusal = null);

/// <summary>A request and its route, kept on the delivery so replies and the error pipe find them.</summary>
public sealed record RoutedRequest(ConsumeContext Request, ReplyRoute Route, ReplyRoutes Routes);

/// <summary>
/// Decides each request's <see cref="ReplyRoute"/> once and sends its replies there. A reply that can't be delivered is
/// logged once and dropped after a few attempts: it never fails the request, whose work is done.
/// </summary>
public sealed class ReplyRoutes(ReplyExchanges exchanges, PlainReplies plain, IOptions<BusOptions> bus, ILogger<ReplyRoutes> logger)
{
    private readonly string _serviceUser = BusIdentity.UserOf(bus.Value.Uri);

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
        var sender = CallerContext.SenderOf(context);
        var target = ReplyTarget.Of(context.ResponseAddress, ReplyToOf(context));
        // Ownership first: checking an exchange with the broker declares what the address asks for.
        var refusal = NotOwned(context, sender, target);
        if (refusal is not null)
            target = new ReplyTarget.Unusable(refusal);
        else if (target is ReplyTarget.Exchange exchange
                 && await exchanges.RefusalAsync(context.ReceiveContext, exchange.Address, context.CancellationToken) is { } declareRefusal)
            target = new ReplyTarget.Unusable($"the broker refuses what replies to {exchange.Address} need: {declareRefusal}");
        var faultAddress = await FaultAddressAsync(context, sender, target);
        refusal ??= faultAddress.Refusal;
        if (refusal is not null)
        {
            logger.LogWarning("{MessageType} {MessageId} from {User} will be refused unread: {Reason}",
                MessageTypeOf(context), context.MessageId, sender, refusal);
        }
        else if (target is ReplyTarget.Unusable unusable)
        {
            logger.LogWarning("Replies to {MessageType} {MessageId} will be dropped: {Reason}",
                MessageTypeOf(context), context.MessageId, unusable.Reason);
        }

        var route = new ReplyRoute(target, target is ReplyTarget.Exchange ? context.ResponseAddress : null, faultAddress.Address, refusal);
        return context.ReceiveContext.GetOrAddPayload(() => new RoutedRequest(context, route, this)).Route;
    }

    /// <summary>Why <paramref name="target"/> is not <paramref name="sender"/>'s to name (<see cref="ReplyOwnership"/>); null when it is, or the sender is the services' user.</summary>
    private string? NotOwned(ConsumeContext context, string? sender, ReplyTarget target, string role = "reply address")
    {
        if (sender == _serviceUser)
            return null;
        var declared = target is ReplyTarget.Exchange exchange ? exchanges.NamesFor(context.ReceiveContext, exchange.Address) : null;
        return ReplyOwnership.Refusal(sender, target, declared, role);
    }

    /// <summary>
    /// MassTransit sends faults to the fault address, else the response address: only to an exchange it may declare and
    /// the sender owns. A fault address the sender does not own refuses the request, as a response address would.
    /// </summary>
    private async Task<(Uri? Address, string? Refusal)> FaultAddressAsync(ConsumeContext context, string? sender, ReplyTarget replies)
    {
        if (context.FaultAddress is null)
            return (null, null);
        if (context.FaultAddress == context.ResponseAddress)
            return (replies is ReplyTarget.Exchange ? context.FaultAddress : null, null);
        var faults = ReplyTarget.Of(context.FaultAddress, null);
        if (NotOwned(context, sender, faults, "fault address") is { } refusal)
            return (null, refusal);
        return faults is ReplyTarget.Exchange
            && await exchanges.RefusalAsync(context.ReceiveContext, context.FaultAddress, context.CancellationToken) is null
                ? (context.FaultAddress, null)
                : (null, null);
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
