namespace Platform.Hosting.Outbox;

/// <summary>An event stored with the change that caused it, waiting to be relayed to the bus.</summary>
/// <param name="Position">Order of commit within its store where the store has one (SQLite); the relay publishes in read order.</param>
/// <param name="EventId">The event's stable id, used as the message id on every (re)delivery.</param>
/// <param name="MessageType">The event's wire name (see <see cref="EventCodec"/>).</param>
/// <param name="Payload">The event serialised as JSON.</param>
public sealed record OutboxRecord(long Position, Guid EventId, string MessageType, string Payload);
