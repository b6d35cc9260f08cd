using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MassTransit;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Client.Requests;

/// <summary>
/// MassTransit's JSON envelope (<c>application/vnd.masstransit+json</c>), written and read without MassTransit: the
/// fields a Platform service reads from a request (<c>messageId</c>, <c>requestId</c>, <c>messageType</c>,
/// <c>message</c>) and those of its replies. The message is written as MassTransit's serializer writes it (camelCase,
/// enums by name, nulls kept) and read as it reads it (any case, comments and trailing commas allowed, numbers too for enums).
/// </summary>
internal static class Envelope
{
    public const string ContentType = "application/vnd.masstransit+json";

    /// <summary>What MassTransit's fault messages carry in <c>messageType</c> (<c>urn:message:MassTransit:Fault[[…]]</c> too).</summary>
    private const string FaultUrn = "urn:message:MassTransit:Fault";

    /// <summary>
    /// As MassTransit's serializer (with the enum converter every Platform bus adds): camelCase, enums by name (numbers
    /// read too), nulls written, names read in any case, comments and trailing commas allowed.
    /// </summary>
    public static JsonSerializerOptions Options => WireTypes.Default.Options;

    /// <summary>The URN a contract type is pinned to with <see cref="MessageUrnAttribute"/> (the contracts' approval test makes sure every one is).</summary>
    public static string UrnOf<T>() => Urns<T>.Value;

    /// <summary>The envelope of a request whose replies go where the AMQP <c>reply_to</c> property says.</summary>
    public static ReadOnlyMemory<byte> Write<T>(T message, Guid messageId, Guid requestId, DateTimeOffset expires)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("messageId", messageId);
            json.WriteString("requestId", requestId);
            json.WriteString("conversationId", messageId);
            json.WriteStartArray("messageType");
            json.WriteStringValue(UrnOf<T>());
            json.WriteEndArray();
            json.WritePropertyName("message");
            JsonSerializer.Serialize(json, message, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));
            json.WriteString("expirationTime", expires.UtcDateTime);
            json.WriteString("sentTime", DateTime.UtcNow);
            json.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Reads a reply: its result, or its error as a <see cref="PlatformException"/> (a fault as Internal).</summary>
    /// <param name="queue">The service queue the request went to, for the messages of errors.</param>
    public static TResult Read<TResult>(ReadOnlySpan<byte> body, string queue)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "message", out var message))
            throw PlatformException.Internal($"{queue} sent a reply that is not a MassTransit envelope");
        var types = TryGet(root, "messageType", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(t => t.GetString()).ToList()
            : [];
        if (types.Contains(Urns<ErrorReply>.Value))
            throw ErrorOf(message);
        if (types.Any(t => t is not null && t.StartsWith(FaultUrn, StringComparison.Ordinal)))
            throw FaultOf(message, queue);
        if (!types.Contains(UrnOf<TResult>()))
            throw PlatformException.Internal($"{queue} replied with {string.Join(", ", types)} where {UrnOf<TResult>()} was expected");
        return message.Deserialize((JsonTypeInfo<TResult>)Options.GetTypeInfo(typeof(TResult)))
            ?? throw PlatformException.Internal($"{queue} replied with an empty {typeof(TResult).Name}");
    }

    /// <summary>
    /// Reads an event as the services publish it (MassTransit's envelope, whose <c>messageType</c> lists the event's URN
    /// first, then its interfaces'); null for a message that is not a known event, which a subscriber skips (an event
    /// type newer than this client, say).
    /// </summary>
    public static IPlatformEvent? ReadEvent(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "message", out var message)
                || !TryGet(root, "messageType", out var list) || list.ValueKind != JsonValueKind.Array)
                return null;
            foreach (var urn in list.EnumerateArray())
            {
                if (urn.ValueKind == JsonValueKind.String && EventTypes.TryGetValue(urn.GetString()!, out var type))
                    return message.Deserialize(Options.GetTypeInfo(type)) as IPlatformEvent;
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// An event of the event history (its URN and its JSON, as the service stored it), read as <see cref="ReadEvent"/>
    /// reads a published one; null for an event type this client does not know.
    /// </summary>
    public static IPlatformEvent? DecodeEvent(string messageType, string json) =>
        EventTypes.TryGetValue(messageType, out var type) ? JsonSerializer.Deserialize(json, Options.GetTypeInfo(type)) as IPlatformEvent : null;

    /// <summary>Every event type by its URN.</summary>
    private static readonly Dictionary<string, Type> EventTypes = EventTopology.EventTypes.ToDictionary(
        t => t.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString() ?? throw new InvalidOperationException($"{t.FullName} has no [MessageUrn]"),
        StringComparer.Ordinal);

    /// <summary>An error reply's kind, by name or number; Internal for one this client does not know.</summary>
    private static PlatformException ErrorOf(JsonElement reply)
    {
        var kind = ErrorKind.Internal;
        if (TryGet(reply, "kind", out var k))
        {
            if (k.ValueKind == JsonValueKind.String && Enum.TryParse<ErrorKind>(k.GetString(), ignoreCase: true, out var named) && Enum.IsDefined(named))
                kind = named;
            else if (k.ValueKind == JsonValueKind.Number && k.TryGetInt32(out var number) && Enum.IsDefined((ErrorKind)number))
                kind = (ErrorKind)number;
        }
        var text = TryGet(reply, "message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        return new PlatformException(kind, text);
    }

    /// <summary>As the MassTransit path words a fault: the first exception's type and message.</summary>
    private static PlatformException FaultOf(JsonElement fault, string queue)
    {
        string? type = null, text = null;
        if (TryGet(fault, "exceptions", out var exceptions) && exceptions.ValueKind == JsonValueKind.Array
            && exceptions.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
        {
            type = TryGet(first, "exceptionType", out var t) ? t.GetString() : null;
            text = TryGet(first, "message", out var m) ? m.GetString() : null;
        }
        return RequestErrors.Faulted(queue, type, text);
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static class Urns<T>
    {
        public static readonly string Value = typeof(T).GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString()
            ?? throw new InvalidOperationException($"{typeof(T).FullName} has no [MessageUrn]: it is not a Platform contract");
    }
}
