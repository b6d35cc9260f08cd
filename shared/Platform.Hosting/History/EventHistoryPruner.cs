using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.History;

/// <summary>
/// Keeps each store's event history within <see cref="EventHistoryOptions"/>: every prune interval, published events
/// older than the retention go, then the oldest beyond the most kept. Unpublished events are never pruned (the relay
/// still owes them to the bus). A failed pass is logged and the next one tries again.
/// </summary>
public sealed class EventHistoryPruner(
    IEnumerable<IOutboxStore> stores,
    TimeProvider time,
    IOptions<EventHistoryOptions> options,
    ILogger<EventHistoryPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
                await Task.Delay(options.Value.PruneInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every store; returns how many events it removed.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var removed = 0;
        foreach (var store in stores)
        {
            if (store is not IEventHistoryStore history)
                continue;
            try
            {
                var count = await history.PruneHistoryAsync(cutoff, options.Value.MaxEvents, cancellationToken);
                removed += count;
                if (count > 0)
                    logger.LogDebug("Pruned {Count} events from the {Store} history", count, store.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Pruning the {Store} event history failed; the next pass tries again", store.Name);
            }
        }
        return removed;
    }
}
