namespace Platform.Hosting.Outbox;

/// <summary>An event of a store's history.</summary>
/// <param name="Cursor">Where the event sits in its store's commit order; pass it back to read on after it.</param>
/// <param name="EventId">The event's id (the message id it is published with).</param>
/// <param name="MessageType">The event's wire name (see <see cref="EventCodec"/>).</param>
/// <param name="Payload">The event serialised as JSON.</param>
/// <param name="Timestamp">The event's own timestamp.</param>
public sealed record HistoryRecord(string Cursor, Guid EventId, string MessageType, string Payload, DateTimeOffset Timestamp);
