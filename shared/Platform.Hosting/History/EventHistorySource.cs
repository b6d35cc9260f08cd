using Platform.Hosting.Outbox;

namespace Platform.Hosting.History;

/// <summary>
/// The event history of the service whose store is <typeparamref name="TStore"/>: several services share one process
/// (platformd), so each one's history consumer is told apart by its store's type.
/// </summary>
public sealed class EventHistorySource<TStore>(IEventHistoryStore store)
    where TStore : class
{
    public IEventHistoryStore Store => store;
}
