namespace Platform.Client;

/// <summary>Where a read of the event history, or a subscription that replays it, starts.</summary>
public sealed record EventsFrom
{
    private EventsFrom()
    {
    }

    /// <summary>Events whose timestamp is at or after this time; null: from the oldest event kept.</summary>
    public DateTimeOffset? Time { get; private init; }

    /// <summary>Events after this one (from its timestamp, leaving out those up to and including it); null: by <see cref="Time"/>.</summary>
    public Guid? EventId { get; private init; }

    /// <summary>From the oldest event the services keep.</summary>
    public static EventsFrom Oldest { get; } = new();

    /// <summary>Events at or after <paramref name="time"/>.</summary>
    public static EventsFrom Since(DateTimeOffset time) => new() { Time = time };

    /// <summary>Events after the one with id <paramref name="eventId"/>; NotFound when no service keeps it any more.</summary>
    public static EventsFrom After(Guid eventId) => new() { EventId = eventId };
}
