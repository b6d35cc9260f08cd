using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Containers;
using Platform.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;

namespace Platform.Metadata;

public static class MetadataServiceExtensions
{
    /// <summary>
    /// The metadata service's logic and store: MongoDB when <c>Store:MongoUri</c> (or <c>MONGODB_URI</c>) is set,
    /// otherwise the embedded SQLite file <c>{DataRoot}/metadata.db</c>.
    /// </summary>
    public static IServiceCollection AddMetadataService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatformStores(configuration);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceClient();
        services.TryAddSingleton<ISnapshotReferences, BusSnapshotReferences>();
        services.TryAddSingleton<ITaskGuard, BusTaskGuard>();
        services.AddSingleton<ContainerService>();

        services.AddSingleton<IContainerStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var signal = sp.GetRequiredService<OutboxSignal>();
            return options.UseMongo
                ? new MongoContainerStore(MongoClients.For(options.MongoUri!).GetDatabase(options.MongoDatabase), signal)
                : new SqliteContainerStore(new SqliteDatabase(options.SqlitePathFor("metadata")), signal);
        });
        services.AddSingleton(sp => (IOutboxStore)sp.GetRequiredService<IContainerStore>());
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IContainerStore>());
        return services;
    }

    /// <summary>The metadata service's queues: one per command or query.</summary>
    public static ConsumerEndpoints AddMetadataConsumers(this ConsumerEndpoints endpoints) => endpoints
        .Add<CreateContainerConsumer>(ContainerQueues.Create)
        .Add<GetContainerConsumer>(ContainerQueues.Get)
        .Add<ListContainersConsumer>(ContainerQueues.List)
        .Add<UpdateContainerConsumer>(ContainerQueues.Update)
        .Add<DeleteContainerConsumer>(ContainerQueues.Delete);
}
