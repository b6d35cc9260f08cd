using System.Collections.Concurrent;
using Platform.Common.Errors;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Client;

/// <summary>
/// The broker topology a client makes for itself, so that it needs configure rights on its own names only
/// (<see cref="ClientPermissions"/>). MassTransit declares every exchange it sends to, and declaring needs the right to
/// delete; so a client sends through an exchange of its own (<see cref="ClientNames.Send"/>), bound here, once per
/// process, to each command exchange it uses (the broker checks write on the command exchange then), and its event
/// subscriptions are bound here to the event exchanges by namespace (checked against its topic permissions), where
/// MassTransit would declare the event exchanges. On a channel of the client's connection (which the client closes).
/// </summary>
internal sealed class ClientRoutes(Uri busUri, IConnection connection) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<string, Task> _routes = new(StringComparer.Ordinal);
    private IChannel? _channel;

    public string User { get; } = BusIdentity.UserOf(busUri);

    /// <summary>
    /// Makes sure the send exchange reaches <paramref name="destination"/> (a command exchange, named as its queue).
    /// PermissionDenied when the broker refuses the user that command; Unavailable when no service declared it.
    /// </summary>
    public async Task RouteAsync(string destination, CancellationToken cancellationToken)
    {
        var route = _routes.GetOrAdd(destination, d => RunAsync(
            channel => channel.ExchangeBindAsync(d, ClientNames.Send(User), d),
            $"send to {d}", $"no {d} exchange on the broker; is platformd (or the service owning {d}) running?"));
        try
        {
            await route.WaitAsync(cancellationToken);
        }
        catch (Exception) when (route.IsFaulted)
        {
            _routes.TryRemove(new KeyValuePair<string, Task>(destination, route));
            throw;
        }
    }

    /// <summary>Forgets that <paramref name="destination"/> was bound (after a request went unanswered), so the next request binds it again.</summary>
    public void Forget(string destination) => _routes.TryRemove(destination, out _);

    /// <summary>
    /// Declares event subscription queue <paramref name="queue"/> (one of the client's names) and binds it to every event
    /// exchange with each of <paramref name="routingKeys"/> (namespaces, or <c>#</c>). A <paramref name="temporary"/>
    /// queue goes with its consumer (auto-delete). Never exclusive: a revoke unbinds it through the management API,
    /// which an exclusive queue refuses; and durable, as RabbitMQ deprecates transient queues that are not exclusive.
    /// Done again after the connection was recovered: both are idempotent.
    /// </summary>
    public Task DeclareEventsAsync(string queue, bool temporary, IReadOnlyCollection<string> routingKeys, CancellationToken cancellationToken) =>
        RunAsync(async channel =>
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: temporary, cancellationToken: cancellationToken);
            foreach (var key in routingKeys)
            {
                foreach (var exchange in EventTopology.Exchanges)
                    await channel.QueueBindAsync(queue, exchange, key, cancellationToken: cancellationToken);
            }
        }, $"subscribe to the events of {string.Join(", ", routingKeys.Select(k => k == EventTopology.EveryNamespace ? "every namespace" : $"namespace \"{k}\""))}",
            "the event exchanges do not exist yet; is platformd running?", cancellationToken, freshChannel: true);

    /// <param name="freshChannel">On a new channel: RabbitMQ caches a channel's successful authorisations, so a
    /// channel that bound a namespace before a revoke could bind it again.</param>
    private async Task RunAsync(Func<IChannel, Task> action, string what, string missing, CancellationToken cancellationToken = default,
        bool freshChannel = false)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (freshChannel && _channel is not null)
            {
                await _channel.DisposeAsync();
                _channel = null;
            }
            await action(await ChannelAsync(cancellationToken));
        }
        catch (OperationInterruptedException e)
        {
            // A refused or failed operation closes the channel: the next one opens another.
            _channel = null;
            throw e.ShutdownReason?.ReplyCode switch
            {
                403 => PlatformException.PermissionDenied($"the broker refused to let user \"{User}\" {what}: {e.ShutdownReason.ReplyText}", e),
                404 => PlatformException.Unavailable(missing, e),
                _ => PlatformException.Unavailable($"the broker failed to {what}: {e.Message}", e),
            };
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
            return _channel;
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        // As MassTransit declares an exchange address (durable, not auto-deleted, no arguments), so that clients of
        // earlier versions, which sent through it with MassTransit, and this one can both use it.
        await _channel.ExchangeDeclareAsync(ClientNames.Send(User), ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        return _channel;
    }

    /// <summary>Its channel closes with the client's connection.</summary>
    public ValueTask DisposeAsync()
    {
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }
}
