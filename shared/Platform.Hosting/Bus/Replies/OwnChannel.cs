using MassTransit;
using MassTransit.RabbitMqTransport;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// A channel of our own on MassTransit's connection (the one a delivery arrived on), opened on first use and again after
/// the broker closed it. Whatever goes wrong on it closes only it, never the channel a request arrived on.
/// </summary>
internal sealed class OwnChannel(bool publisherConfirms) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task<IChannel> GetAsync(ReceiveContext delivery, CancellationToken cancellationToken)
    {
        if (!delivery.TryGetPayload<ConnectionContext>(out var connection))
            throw new InvalidOperationException($"{delivery.InputAddress} is not a RabbitMQ endpoint");
        var channel = _channel;
        if (channel is { IsOpen: true } && ReferenceEquals(_connection, connection.Connection))
            return channel;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } && ReferenceEquals(_connection, connection.Connection))
                return _channel;
            await CloseAsync(_channel);
            _channel = await connection.Connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: publisherConfirms, publisherConfirmationTrackingEnabled: publisherConfirms),
                cancellationToken);
            _connection = connection.Connection;
            return _channel;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task CloseAsync(IChannel? channel)
    {
        if (channel is null)
            return;
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or ObjectDisposedException)
        {
            // Closed by the broker already: nothing left to release.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(_channel);
        _gate.Dispose();
    }
}
