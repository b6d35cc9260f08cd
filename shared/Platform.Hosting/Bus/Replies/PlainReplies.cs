using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Options;
using RabbitMQ.Client;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Publishes replies to a <see cref="ReplyTarget.Queue"/>: on the default exchange with the queue's name as routing key,
/// in MassTransit's JSON envelope, from a channel of our own with publisher confirms. Mandatory, so a queue that is gone
/// is reported (the broker returns the reply) instead of the reply vanishing unseen; except for direct reply-to, which
/// RabbitMQ returns as unroutable even when it delivered it.
/// </summary>
public sealed class PlainReplies(IOptions<BusOptions> bus) : IAsyncDisposable
{
    private readonly string _user = BusIdentity.UserOf(bus.Value.Uri);
    private readonly OwnChannel _channel = new(publisherConfirms: true);

    /// <exception cref="RabbitMQ.Client.Exceptions.PublishException">The broker returned the reply (no such queue) or refused it.</exception>
    public async Task PublishAsync<T>(ConsumeContext request, string queue, T reply, CancellationToken cancellationToken) where T : class
    {
        var envelope = new MessageSendContext<T>(reply, cancellationToken)
        {
            Serializer = SystemTextJsonMessageSerializer.Instance,
            ContentType = SystemTextJsonMessageSerializer.JsonContentType,
            RequestId = request.RequestId,
            DestinationAddress = new Uri(request.ReceiveContext.InputAddress, Uri.EscapeDataString(queue)),
        };
        envelope.TransferConsumeContextHeaders(request);
        var properties = new BasicProperties
        {
            ContentType = envelope.ContentType.MediaType,
            MessageId = envelope.MessageId?.ToString(),
            // What the RabbitMQ RPC tutorial's clients match replies by: the request's own, else its request id.
            CorrelationId = CorrelationOf(request),
            UserId = _user,
            Type = envelope.SupportedMessageTypes.FirstOrDefault(),
        };
        var channel = await _channel.GetAsync(request.ReceiveContext, cancellationToken);
        await channel.BasicPublishAsync("", queue, mandatory: !queue.StartsWith(ReplyTarget.DirectReplyTo + ".", StringComparison.Ordinal),
            properties, envelope.Body.GetBytes(), cancellationToken);
    }

    private static string? CorrelationOf(ConsumeContext request) =>
        request.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && !string.IsNullOrEmpty(rabbit.Properties.CorrelationId)
            ? rabbit.Properties.CorrelationId
            : request.RequestId?.ToString();

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
