using Platform.Contracts;

namespace Platform.Hosting.Outbox;

/// <summary>Makes the event of a change once the store has allocated the object's next sequence number.</summary>
public delegate IPlatformEvent EventFactory(long sequence);
