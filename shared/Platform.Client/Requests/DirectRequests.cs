using System.Collections.Concurrent;
using System.Globalization;
using Platform.Common.Errors;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Platform.Client.Requests;

/// <summary>
/// Requests over one AMQP channel of the client's own connection, with no MassTransit bus: a one-shot caller (the CLI)
/// declares no reply queue and builds no topology. A request goes out through the client's send exchange (bound to the
/// command exchange by <see cref="ClientRoutes"/>, as on the MassTransit path, so a user needs the same permissions), in
/// MassTransit's JSON envelope (<see cref="Envelope"/>) with <c>user_id</c> stamped; its reply comes back on RabbitMQ's
/// direct reply-to, which the services answer (see Platform.Hosting's ReplyTarget), matched by <c>correlation_id</c>.
/// </summary>
/// <remarks>
/// Direct reply-to needs the consumer and the publishes on one channel; publishes are serialised on it (one frame
/// sequence at a time), replies are read concurrently. A channel the broker closes fails the requests waiting on it,
/// and the next request opens another.
/// </remarks>
internal sealed class DirectRequests(IConnection connection, ClientRoutes routes) : IRequestSender
{
    /// <summary>RabbitMQ's pseudo-queue; the broker gives each publish a <c>reply_to</c> that routes back to this channel's consumer.</summary>
    public const string DirectReplyTo = "amq.rabbitmq.reply-to";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _waiting = new(StringComparer.Ordinal);
    private readonly string _sendExchange = ClientNames.Send(routes.User);
    private IChannel? _channel;
    private bool _disposed;

    public Task<TResult> RequestAsync<TRequest, TResult>(string queue, string destination, TRequest request, TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        SendAsync<TResult>(queue, destination, timeout, (messageId, requestId, expires) =>
            (Envelope.Write(request, messageId, requestId, expires), Envelope.ContentType, null), cancellationToken);

    public Task<TResult> RequestBinaryAsync<TRequest, TResult>(string queue, string destination, TRequest request, BinaryRequest binary,
        TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        SendAsync<TResult>(queue, destination, timeout, (_, requestId, _) =>
        {
            var headers = new Dictionary<string, object?>(binary.Headers, StringComparer.Ordinal)
            {
                [Contracts.Resources.ContentIngestChunkBinary.RequestIdHeader] = requestId.ToString("D"),
            };
            return (binary.Body, binary.ContentType, headers);
        }, cancellationToken);

    /// <summary>Publishes what <paramref name="write"/> gives (body, content type, headers) with the request's properties; waits for the reply.</summary>
    private async Task<TResult> SendAsync<TResult>(string queue, string destination, TimeSpan timeout,
        Func<Guid, Guid, DateTimeOffset, (ReadOnlyMemory<byte> Body, string ContentType, IDictionary<string, object?>? Headers)> write,
        CancellationToken cancellationToken)
        where TResult : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var requestId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var correlationId = requestId.ToString("D");
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var (body, contentType, headers) = write(messageId, requestId, DateTimeOffset.UtcNow + timeout);
            var properties = new BasicProperties
            {
                ContentType = contentType,
                Headers = headers,
                MessageId = messageId.ToString("D"),
                CorrelationId = correlationId,
                ReplyTo = DirectReplyTo,
                // RabbitMQ refuses a message whose user_id is not the connection's user: the services trust it to say who asks.
                UserId = routes.User,
                // A request means something only while its sender waits: not written to disk, and dropped by the broker
                // once its sender has given up (as MassTransit's request client sets the time to live).
                DeliveryMode = DeliveryModes.Transient,
                Expiration = ((long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture),
            };
            await routes.RouteAsync(destination, deadline.Token);
            _waiting[correlationId] = reply;
            await PublishAsync(destination, properties, body, deadline.Token);
            var bytes = await reply.Task.WaitAsync(deadline.Token);
            return Envelope.Read<TResult>(bytes, queue);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Bound again next time, in case the route went with a deleted exchange.
            routes.Forget(destination);
            throw RequestErrors.NoReply(queue, timeout, e);
        }
        catch (OperationInterruptedException e)
        {
            throw PlatformException.Unavailable($"the connection to RabbitMQ failed while sending to {queue}: {e.Message}", e);
        }
        finally
        {
            _waiting.TryRemove(correlationId, out _);
        }
    }

    private async Task PublishAsync(string destination, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            // Mandatory: a request no queue receives (a service whose exchange exists but whose queue is not bound yet, as
            // while it starts) comes back at once, instead of being dropped and waited for until the timeout.
            await channel.BasicPublishAsync(_sendExchange, destination, mandatory: true, properties, body, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The channel, with its reply consumer started; opened on first use and again after the broker closed it. Under the gate.</summary>
    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_channel is { IsOpen: true })
            return _channel;
        if (_channel is not null)
            await CloseQuietlyAsync(_channel);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        channel.ChannelShutdownAsync += (_, reason) =>
        {
            FailWaiting(reason);
            return Task.CompletedTask;
        };
        channel.BasicReturnAsync += (_, returned) =>
        {
            Returned(returned.BasicProperties.CorrelationId, returned.RoutingKey, returned.ReplyText);
            return Task.CompletedTask;
        };
        // Before any publish: the broker accepts reply_to = amq.rabbitmq.reply-to only from a channel consuming it.
        await channel.BasicConsumeAsync(DirectReplyTo, autoAck: true, new Replies(channel, this), cancellationToken);
        _channel = channel;
        return channel;
    }

    private void Deliver(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        // A reply to a request that timed out finds no one waiting: dropped.
        if (properties.CorrelationId is { } id && _waiting.TryRemove(id, out var reply))
            reply.TrySetResult(body.ToArray());
    }

    private void Returned(string? correlationId, string destination, string reason)
    {
        if (correlationId is not null && _waiting.TryRemove(correlationId, out var reply))
            reply.TrySetException(PlatformException.Unavailable(
                $"no queue receives {destination} (the broker returned the request: {reason}); is platformd (or the service owning it) running?"));
    }

    private void FailWaiting(ShutdownEventArgs reason)
    {
        if (_disposed || _waiting.IsEmpty)
            return;
        var error = PlatformException.Unavailable($"the broker closed the channel before the reply came: {reason.ReplyCode} {reason.ReplyText}");
        foreach (var id in _waiting.Keys)
        {
            if (_waiting.TryRemove(id, out var reply))
                reply.TrySetException(error);
        }
    }

    private static async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or ObjectDisposedException)
        {
            // Closed by the broker already.
        }
    }

    /// <summary>Stops sending; the channel closes with the connection, which the client closes next (one round trip for both).</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        _disposed = true;
        _gate.Release();
    }

    private sealed class Replies(IChannel channel, DirectRequests requests) : AsyncDefaultBasicConsumer(channel)
    {
        public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
            IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        {
            requests.Deliver(properties, body);
            return Task.CompletedTask;
        }
    }
}
