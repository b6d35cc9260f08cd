using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Platform.Client;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// A client that knows nothing of MassTransit: RabbitMQ.Client only, as a program in another language would talk
/// to Platform. It publishes MassTransit JSON envelopes it writes by hand and reads replies from queues of its own.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _prefix;
    private readonly string _user;

    private RawClient(IConnection connection, IChannel channel, string prefix, string user)
    {
        _connection = connection;
        _channel = channel;
        _prefix = prefix;
        _user = user;
    }

    /// <summary>The vhost part of a <c>rabbitmq://</c> address (empty for the default vhost).</summary>
    public static string VirtualHostPath => Requirements.BusUri.AbsolutePath.Trim('/');

    /// <summary>Connects as the user of <paramref name="busUri"/> (default: the test bus's, the services' own user).</summary>
    public static async Task<RawClient> ConnectAsync(string prefix, CancellationToken cancellationToken, Uri? busUri = null)
    {
        busUri ??= Requirements.BusUri;
        var factory = new ConnectionFactory { Uri = busUri };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return new RawClient(connection, channel, prefix, BusIdentity.UserOf(busUri));
    }

    /// <summary>The address MassTransit reads from an envelope's <c>responseAddress</c> for a queue or exchange name.</summary>
    public static string AddressOf(string name) =>
        $"rabbitmq://{Requirements.BusUri.Host}/{(VirtualHostPath.Length == 0 ? "" : VirtualHostPath + "/")}{name}";

    /// <summary>A server-named, exclusive queue (<c>amq.gen-…</c>), as the RabbitMQ RPC tutorial's client declares.</summary>
    public async Task<ReplyQueue> ServerNamedQueueAsync(CancellationToken cancellationToken)
    {
        var declared = await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        return await ConsumeAsync(declared.QueueName, cancellationToken);
    }

    /// <summary>RabbitMQ's direct reply-to: consume the pseudo-queue; requests carry <c>reply_to = amq.rabbitmq.reply-to</c>.</summary>
    public Task<ReplyQueue> DirectReplyToAsync(CancellationToken cancellationToken) =>
        ConsumeAsync("amq.rabbitmq.reply-to", cancellationToken);

    private async Task<ReplyQueue> ConsumeAsync(string queue, CancellationToken cancellationToken)
    {
        var replies = System.Threading.Channels.Channel.CreateUnbounded<(JsonObject, string?)>();
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            replies.Writer.TryWrite((JsonNode.Parse(Encoding.UTF8.GetString(delivery.Body.Span))!.AsObject(), delivery.BasicProperties.CorrelationId));
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
        return new ReplyQueue(queue, replies.Reader);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> (camelCase JSON, as MassTransit writes it) to the service queue
    /// <paramref name="queue"/>, in an envelope naming <paramref name="responseAddress"/> when given, with the AMQP
    /// <c>reply_to</c> property set to <paramref name="replyTo"/> when given, and the envelope's <c>faultAddress</c> when
    /// <paramref name="faultAddress"/> is given.
    /// </summary>
    public async Task<Guid> SendAsync(string queue, string messageUrn, object message, string? responseAddress, string? replyTo,
        CancellationToken cancellationToken, string? faultAddress = null)
    {
        var requestId = Guid.NewGuid();
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["requestId"] = requestId.ToString(),
            ["messageType"] = new JsonArray($"urn:message:{messageUrn}"),
            ["message"] = JsonSerializer.SerializeToNode(message, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        };
        if (responseAddress is not null)
            envelope["responseAddress"] = responseAddress;
        if (faultAddress is not null)
            envelope["faultAddress"] = faultAddress;
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json",
            UserId = _user,
            MessageId = envelope["messageId"]!.GetValue<string>(),
            CorrelationId = requestId.ToString(),
            ReplyTo = replyTo,
        };
        await _channel.BasicPublishAsync("", _prefix + queue, mandatory: false, properties,
            Encoding.UTF8.GetBytes(envelope.ToJsonString()), cancellationToken);
        return requestId;
    }

    /// <summary>How many messages wait in a queue, ready or unacknowledged (a passive declare reports the ready ones).</summary>
    public async Task<uint> ReadyCountAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>A queue the raw client reads replies from.</summary>
public sealed class ReplyQueue(string name, ChannelReader<(JsonObject Body, string? CorrelationId)> replies)
{
    public string Name { get; } = name;

    /// <summary>The AMQP <c>correlation_id</c> of the last reply read.</summary>
    public string? LastCorrelationId { get; private set; }

    /// <summary>The next reply, or null when none arrives within <paramref name="within"/>.</summary>
    public async Task<JsonObject?> NextAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        try
        {
            var (body, correlationId) = await replies.ReadAsync(deadline.Token);
            LastCorrelationId = correlationId;
            return body;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
