using System.Collections.Concurrent;
using MassTransit;
using MassTransit.RabbitMqTransport.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// Before MassTransit sends a reply or a fault to an exchange address, declares what it would declare (the exchange, and
/// a queue and binding when the address asks for them) on a channel of its own. MassTransit declares on the channel the
/// request arrived on: a refusal there (a reserved name, an exchange of another type, a queue another connection owns,
/// missing permissions) closes that channel, so the request is never acknowledged and comes back for ever. Here a
/// refusal closes only this channel, and the reply is dropped instead.
/// </summary>
public sealed class ReplyExchanges(IServiceProvider services, ILogger<ReplyExchanges> logger) : IAsyncDisposable
{
    // An accepted address is checked again after a while: the exchange may have been deleted and declared otherwise.
    private static readonly TimeSpan AcceptedFor = TimeSpan.FromMinutes(1);
    // A refused one soon, so a client that fixes its exchange is served again, but a burst of bad requests costs one check.
    private static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
    private const int MaxRemembered = 4096;

    // An unknown exchange type is a connection error, not a channel error: it would take MassTransit's whole connection
    // (every endpoint) down, so it is refused here without asking the broker.
    private static readonly HashSet<string> BuiltInTypes = [ExchangeType.Fanout, ExchangeType.Direct, ExchangeType.Topic, ExchangeType.Headers];

    // Resolved on first use: the filters that use this class are built while the bus itself is being built.
    private readonly Lazy<IBus> _bus = new(services.GetRequiredService<IBus>);
    private readonly ConcurrentDictionary<string, (string? Refusal, long Until)> _checked = new();
    private readonly OwnChannel _channel = new(publisherConfirms: false);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Why the broker refuses what MassTransit would declare for <paramref name="address"/>, or null when it accepts it.</summary>
    public async Task<string?> RefusalAsync(ReceiveContext delivery, Uri address, CancellationToken cancellationToken)
    {
        var key = address.ToString();
        if (_checked.TryGetValue(key, out var known) && Environment.TickCount64 < known.Until)
            return known.Refusal;
        if (!delivery.HasPayloadType(typeof(MassTransit.RabbitMqTransport.ConnectionContext)) || _bus.Value.Topology is not IRabbitMqBusTopology topology)
            return null; // not RabbitMQ: nothing is declared

        var refusal = await CheckAsync(delivery, topology, address, cancellationToken);
        if (refusal is { Length: 0 })
            return null; // could not tell (the connection is going away): let MassTransit try, as it would without this check
        if (_checked.Count >= MaxRemembered)
            _checked.Clear();
        _checked[key] = (refusal, Environment.TickCount64 + (long)(refusal is null ? AcceptedFor : RefusedFor).TotalMilliseconds);
        return refusal;
    }

    /// <summary>
    /// Every exchange and queue MassTransit would declare, bind or send through to reach <paramref name="address"/> (the
    /// query string may ask for a queue, bound exchanges, an alternate exchange), and the exchanges their arguments name;
    /// null when MassTransit can't read the address or the delivery is not RabbitMQ's.
    /// </summary>
    public IReadOnlyCollection<string>? NamesFor(ReceiveContext delivery, Uri address)
    {
        if (!delivery.HasPayloadType(typeof(MassTransit.RabbitMqTransport.ConnectionContext)) || _bus.Value.Topology is not IRabbitMqBusTopology topology
            || Declared(delivery, topology, address, out _) is not { } declared)
            return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exchange in declared.Exchanges)
        {
            names.Add(exchange.ExchangeName);
            AddNamedExchanges(names, exchange.ExchangeArguments);
        }
        foreach (var queue in declared.Queues)
        {
            names.Add(queue.QueueName);
            AddNamedExchanges(names, queue.QueueArguments);
        }
        foreach (var binding in declared.ExchangeBindings)
            names.UnionWith([binding.Source.ExchangeName, binding.Destination.ExchangeName]);
        foreach (var binding in declared.QueueBindings)
            names.UnionWith([binding.Source.ExchangeName, binding.Destination.QueueName]);
        return names;
    }

    private static void AddNamedExchanges(HashSet<string> names, IDictionary<string, object>? arguments)
    {
        foreach (var key in (string[])["alternate-exchange", "x-dead-letter-exchange"])
        {
            if (arguments is not null && arguments.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } named)
                names.Add(named);
        }
    }

    private static BrokerTopology? Declared(ReceiveContext delivery, IRabbitMqBusTopology topology, Uri address, out string? error)
    {
        try
        {
            error = null;
            return topology.SendTopology.GetSendSettings(new RabbitMqEndpointAddress(delivery.InputAddress, address)).GetBrokerTopology();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or MassTransitException)
        {
            error = $"MassTransit can't send to it: {e.Message}";
            return null;
        }
    }

    /// <returns>null when accepted, the broker's reason when refused, empty when the check itself could not run.</returns>
    private async Task<string?> CheckAsync(ReceiveContext delivery, IRabbitMqBusTopology topology, Uri address, CancellationToken cancellationToken)
    {
        if (Declared(delivery, topology, address, out var error) is not { } declared)
            return error;
        if (declared.Exchanges.FirstOrDefault(e => !BuiltInTypes.Contains(e.ExchangeType)) is { } odd)
            return $"exchange type {odd.ExchangeType} is not one RabbitMQ has built in";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        await _gate.WaitAsync(timeout.Token);
        IChannel? channel = null;
        try
        {
            channel = await _channel.GetAsync(delivery, timeout.Token);
            // MassTransit's order (ConfigureRabbitMqTopologyFilter): queues, exchanges, then bindings.
            foreach (var queue in declared.Queues)
                await channel.QueueDeclareAsync(queue.QueueName, queue.Durable, queue.Exclusive, queue.AutoDelete, queue.QueueArguments, cancellationToken: timeout.Token);
            foreach (var exchange in declared.Exchanges)
                await channel.ExchangeDeclareAsync(exchange.ExchangeName, exchange.ExchangeType, exchange.Durable, exchange.AutoDelete, exchange.ExchangeArguments, cancellationToken: timeout.Token);
            foreach (var binding in declared.QueueBindings)
                await channel.QueueBindAsync(binding.Destination.QueueName, binding.Source.ExchangeName, binding.RoutingKey, binding.Arguments, cancellationToken: timeout.Token);
            foreach (var binding in declared.ExchangeBindings)
                await channel.ExchangeBindAsync(binding.Destination.ExchangeName, binding.Source.ExchangeName, binding.RoutingKey, binding.Arguments, cancellationToken: timeout.Token);
            return null;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason is { Initiator: ShutdownInitiator.Peer } reason && channel is { IsClosed: true }
                                                       && delivery.TryGetPayload<MassTransit.RabbitMqTransport.ConnectionContext>(out var connection) && connection.Connection.IsOpen)
        {
            // The broker closed this channel, not the connection: a refusal of what was declared.
            return $"{reason.ReplyCode} {reason.ReplyText}";
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(e, "Could not check the reply address {ReplyAddress}", address);
            return "";
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        _gate.Dispose();
    }
}
