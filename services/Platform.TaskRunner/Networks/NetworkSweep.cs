using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Networks;

/// <summary>At start: the bridges, configuration lists and lease folders of networks whose records are gone are removed.</summary>
public sealed class NetworkSweep(INetworkStore store, NetworkTeardown teardown, ILogger<NetworkSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var swept = await teardown.SweepAsync(
                async ct => (await store.ListAsync(null, ct)).Select(n => n.Id).ToHashSet(StringComparer.Ordinal), stoppingToken);
            if (swept > 0)
                logger.LogInformation("Removed the bridges of {Count} networks removed while their teardown was cut short", swept);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Sweeping the bridges of removed networks failed; the next start tries again");
        }
    }
}
