using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using MassTransit;
using Platform.Contracts;

namespace Platform.Hosting.Outbox;

/// <summary>
/// Stores events by their pinned wire name (the <see cref="MessageUrnAttribute"/>), not their CLR name, so an
/// event written before a type moved still relays after it.
/// </summary>
public static class EventCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly FrozenDictionary<string, Type> TypesByName = typeof(IPlatformEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlatformEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(NameOf);

    public static string NameOf(Type eventType) =>
        eventType.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString()
        ?? throw new InvalidOperationException($"{eventType} has no [MessageUrn]");

    public static string Serialize(IPlatformEvent e) => JsonSerializer.Serialize(e, e.GetType(), Json);

    public static (Type Type, object Event) Deserialize(string messageType, string payload)
    {
        if (!TypesByName.TryGetValue(messageType, out var type))
            throw new InvalidOperationException($"unknown event type {messageType} in the outbox");
        return (type, JsonSerializer.Deserialize(payload, type, Json)!);
    }
}
