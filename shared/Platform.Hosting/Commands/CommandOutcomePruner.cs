using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;

namespace Platform.Hosting.Commands;

/// <summary>Forgets command outcomes older than <see cref="CommandOptions.Retention"/>, every <see cref="CommandOptions.PruneInterval"/>.</summary>
internal sealed class CommandOutcomePruner(
    IEnumerable<ICommandOutcomeStore> stores, IOptions<CommandOptions> options, TimeProvider clock, ILogger<CommandOutcomePruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await PruneAsync(stoppingToken);
    }

    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.Retention;
        foreach (var store in stores)
        {
            try
            {
                var pruned = await store.PruneAsync(before, cancellationToken);
                if (pruned > 0)
                    logger.LogDebug("Forgot {Count} command outcomes of the {Store} store recorded before {Before}", pruned, store.Name, before);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; a store that is down for a while only keeps outcomes a little longer.
                logger.LogWarning(e, "Could not prune command outcomes of the {Store} store", store.Name);
            }
        }
    }
}
