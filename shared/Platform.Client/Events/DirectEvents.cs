using Platform.Client.Requests;
using Platform.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Platform.Client;

/// <summary>
/// Subscriptions on the client's own connection, without MassTransit: a queue of the client's names
/// (<see cref="ClientNames.Events"/>, deleted with its consumer; or a lasting one), bound to the event exchanges the
/// services publish to (<see cref="EventTopology"/>) by <see cref="ClientRoutes"/>, consumed on a channel of its own,
/// each delivery read from MassTransit's envelope (<see cref="Envelope.ReadEvent"/>).
/// </summary>
internal sealed class DirectEvents(IConnection connection, ClientRoutes routes, PlatformClientOptions options) : IEventSource
{
    public async Task<IAsyncDisposable> SubscribeAsync(Func<IPlatformEvent, CancellationToken, Task> handler, string? durableQueue,
        IReadOnlyCollection<string> routingKeys, CancellationToken cancellationToken)
    {
        var queue = durableQueue is null ? ClientNames.Events(routes.User) : ClientNames.Of(routes.User) + options.EndpointPrefix + durableQueue;
        var subscription = new Subscription(connection, routes, queue, durableQueue is null, routingKeys, handler);
        try
        {
            await subscription.StartAsync(cancellationToken);
        }
        catch (Exception)
        {
            await subscription.DisposeAsync();
            throw;
        }
        return subscription;
    }

    /// <remarks>
    /// After a lost connection RabbitMQ.Client reopens it and its channels, and declares again what it saw declared;
    /// the subscription declares and binds its queue once more all the same when it hears the connection is back, so
    /// that it never depends on what was recorded on which channel (an auto-deleted queue whose bindings were not
    /// made again is how a subscriber stopped hearing events after a broker restart, with no error).
    /// </remarks>
    private sealed class Subscription(IConnection connection, ClientRoutes routes, string queue, bool temporary,
        IReadOnlyCollection<string> routingKeys, Func<IPlatformEvent, CancellationToken, Task> handler) : IAsyncDisposable
    {
        /// <summary>Deliveries the broker may send ahead of the one being handled.</summary>
        private const ushort Prefetch = 32;

        private readonly CancellationTokenSource _stopping = new();
        private IChannel? _channel;
        private string? _consumerTag;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await routes.DeclareEventsAsync(queue, temporary, routingKeys, cancellationToken);
            _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await _channel.BasicQosAsync(0, Prefetch, global: false, cancellationToken);
            // One channel, one consumer: RabbitMQ.Client hands its deliveries over one at a time, in order.
            _consumerTag = await _channel.BasicConsumeAsync(queue, autoAck: false, new Consumer(_channel, this), cancellationToken);
            connection.RecoverySucceededAsync += OnRecoveredAsync;
        }

        private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
        {
            // Not on the recovery's own thread, which the declaration's new channel would wait for.
            _ = Task.Run(async () =>
            {
                try
                {
                    await routes.DeclareEventsAsync(queue, temporary, routingKeys, _stopping.Token);
                }
                catch (Exception)
                {
                    // Disposed meanwhile, refused (a namespace revoked meanwhile), or the connection lost again: the
                    // next recovery tries again.
                }
            });
            return Task.CompletedTask;
        }

        private async Task DeliverAsync(IChannel channel, ulong deliveryTag, ReadOnlyMemory<byte> body)
        {
            var e = Envelope.ReadEvent(body.Span);
            var handled = true;
            if (e is not null)
            {
                try
                {
                    await handler(e, _stopping.Token);
                }
                catch (Exception) when (!_stopping.IsCancellationRequested)
                {
                    // As MassTransit without a retry policy, less its error queue: the event is not delivered again.
                    handled = false;
                }
            }
            if (_stopping.IsCancellationRequested)
                return;
            try
            {
                if (handled)
                    await channel.BasicAckAsync(deliveryTag, multiple: false);
                else
                    await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: false);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
            {
                // The channel went (with the connection): the broker delivers the event again.
            }
        }

        public async ValueTask DisposeAsync()
        {
            connection.RecoverySucceededAsync -= OnRecoveredAsync;
            await _stopping.CancelAsync();
            if (_channel is not null)
            {
                try
                {
                    if (_consumerTag is not null && _channel.IsOpen)
                        await _channel.BasicCancelAsync(_consumerTag);
                    await _channel.CloseAsync();
                }
                catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
                {
                    // Closed with the connection already; a temporary queue went with it.
                }
                _channel.Dispose();
            }
            _stopping.Dispose();
        }

        private sealed class Consumer(IChannel channel, Subscription subscription) : AsyncDefaultBasicConsumer(channel)
        {
            public override Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey,
                IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
                subscription.DeliverAsync(Channel, deliveryTag, body);
        }
    }
}
