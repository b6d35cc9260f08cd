using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Networks;

public static class NetworkServiceExtensions
{
    /// <summary>The network manager: its store beside the tasks', its locks and allocation, and the directory the runtime resolves through.</summary>
    public static IServiceCollection AddTaskNetworks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NetworkOptions>().Bind(configuration.GetSection(NetworkOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<INetworkStore>(sp =>
        {
            var database = sp.GetRequiredService<TaskDatabase>();
            var signal = sp.GetRequiredService<OutboxSignal>();
            return database.Mongo is { } mongo ? new MongoNetworkStore(mongo, signal) : new SqliteNetworkStore(database.Sqlite!, signal);
        });
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<INetworkStore>());
        services.AddSingleton<NetworkLocks>();
        services.AddSingleton<NetworkAllocation>();
        services.AddSingleton<NetworkUsers>();
        services.AddSingleton<NetworkManager>();
        services.AddSingleton<INetworkDirectory, NetworkDirectory>();
        services.AddSingleton<Cni.NetworkTeardown>();
        services.AddHostedService<NetworkSweep>();
        return services;
    }
}
