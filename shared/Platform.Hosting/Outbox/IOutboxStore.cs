namespace Platform.Hosting.Outbox;

/// <summary>
/// The relay's view of a service store's outbox. Writers add records inside the transaction of the change
/// they describe; the relay reads them in commit order and removes them once the broker confirmed them.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Name for logs, e.g. <c>metadata</c>.</summary>
    string Name { get; }

    /// <summary>Up to <paramref name="max"/> unpublished records, oldest first.</summary>
    Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken);

    /// <summary>Forgets records the broker has confirmed. Idempotent.</summary>
    Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken);
}
