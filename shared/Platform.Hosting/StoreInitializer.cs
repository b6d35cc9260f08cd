using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Resilience;

namespace Platform.Hosting;

/// <summary>A store that prepares itself (schema, indexes) before the service consumes anything.</summary>
public interface IInitializableStore
{
    string Name { get; }

    Task InitializeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Initialises every store at start-up, before the bus starts; a store that is not reachable yet
/// (MongoDB still starting) is retried with back-off instead of crashing the host.
/// </summary>
internal sealed class StoreInitializer(IEnumerable<IInitializableStore> stores, ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var store in stores)
        {
            await Retry.Startup(logger, $"the {store.Name} store").ExecuteAsync(async ct => await store.InitializeAsync(ct), cancellationToken);
            logger.LogInformation("The {Store} store is ready", store.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
