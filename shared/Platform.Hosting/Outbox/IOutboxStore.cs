namespace Platform.Hosting.Outbox;

/// <summary>
/// The relay's view of a service store's outbox. Writers add records inside the transaction of the change
/// they describe; the relay reads them in commit order and marks them published once the broker confirmed them
/// (they stay as the store's event history, <see cref="IEventHistoryStore"/>, until pruned).
/// </summary>
public interface IOutboxStore
{
    /// <summary>Name for logs, e.g. <c>metadata</c>.</summary>
    string Name { get; }

    /// <summary>Up to <paramref name="max"/> unpublished records, oldest first.</summary>
    Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken);

    /// <summary>Marks records the broker has confirmed as published: never read as pending again. Idempotent.</summary>
    Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken);
}
