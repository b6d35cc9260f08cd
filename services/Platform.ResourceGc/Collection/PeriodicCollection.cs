using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ResourceGc.Collection;

/// <summary>
/// Runs a full pass every <see cref="ResourceGcOptions.PassInterval"/>, whether or not anything else happens:
/// garbage left by a crash or an expired lease goes even when everything is quiet.
/// </summary>
public sealed class PeriodicCollection(Collector collector, IOptions<ResourceGcOptions> options, ILogger<PeriodicCollection> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PassInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await collector.RunPassAsync(dryRun: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Collection pass failed; the next one runs in {Interval}", options.Value.PassInterval);
            }
        }
    }
}
