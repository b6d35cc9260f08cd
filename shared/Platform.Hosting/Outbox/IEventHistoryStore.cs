namespace Platform.Hosting.Outbox;

/// <summary>
/// A store's outbox read as a history: the relay marks published events instead of forgetting them, and they stay
/// until <see cref="PruneHistoryAsync"/> removes them (by age and by count). Unpublished events are history too: they
/// are committed, and a reader that also subscribes live drops the copy the relay publishes later by its id.
/// </summary>
public interface IEventHistoryStore
{
    /// <summary>
    /// Up to <paramref name="max"/> events in commit order, after <paramref name="after"/> (a record's
    /// <see cref="HistoryRecord.Cursor"/>; null: from the start), whose timestamps lie in [<paramref name="since"/>,
    /// <paramref name="until"/>] (either absent: unbounded).
    /// </summary>
    Task<IReadOnlyList<HistoryRecord>> ReadHistoryAsync(string? after, DateTimeOffset? since, DateTimeOffset? until, int max,
        CancellationToken cancellationToken);

    /// <summary>The event with id <paramref name="eventId"/> if the history still holds it.</summary>
    Task<HistoryRecord?> FindHistoryAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes published events older than <paramref name="olderThan"/>, then the oldest published ones beyond the newest
    /// <paramref name="keepAtMost"/>. Never an unpublished event. Returns how many it removed.
    /// </summary>
    Task<int> PruneHistoryAsync(DateTimeOffset olderThan, int keepAtMost, CancellationToken cancellationToken);
}
