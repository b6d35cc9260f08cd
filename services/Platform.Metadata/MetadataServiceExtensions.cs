using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Containers;
using Platform.Contracts.Events;
using Platform.Contracts.Images;
using Platform.Common.Limits;
using Platform.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;
using Platform.Hosting.History;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Metadata.Containers;
using Platform.Metadata.Images;
using Platform.Metadata.Store;
using Platform.Metadata.Users;
using Platform.Contracts.Users;
using Platform.Hosting.Security;

namespace Platform.Metadata;

public static class MetadataServiceExtensions
{
    /// <summary>
    /// The metadata service's logic and stores (containers, images and users, in one database): MongoDB when <c>Store:MongoUri</c>
    /// (or <c>MONGODB_URI</c>) is set, otherwise the embedded SQLite file <c>{DataRoot}/metadata.db</c>.
    /// </summary>
    public static IServiceCollection AddMetadataService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatformStores(configuration);
        services.AddOptions<ObjectLimits>().Bind(configuration.GetSection(ObjectLimits.Section));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceClient();
        services.TryAddSingleton<ISnapshotReferences, BusSnapshotReferences>();
        services.TryAddSingleton<ITaskGuard, BusTaskGuard>();
        services.AddOptions<SpecPolicyOptions>().Bind(configuration.GetSection(SpecPolicyOptions.Section))
            .PostConfigure(o => o.VolumesRoot ??= Path.Combine(Path.GetFullPath(configuration["Store:DataRoot"] ?? "/var/lib/platform"), "volumes"));
        services.AddSingleton<SpecPolicy>();
        services.AddSingleton<ContainerService>();
        services.AddSingleton<AutoRemoval>();

        services.TryAddSingleton<IImageReferences, BusImageReferences>();
        services.AddSingleton<ImageService>();

        services.AddSingleton<UserService>();
        services.AddSingleton<IUserDirectory, StoreUserDirectory>();

        services.AddSingleton(sp => MetadataDatabase.Open(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton<IContainerStore>(sp =>
        {
            var database = sp.GetRequiredService<MetadataDatabase>();
            var signal = sp.GetRequiredService<OutboxSignal>();
            return database.Mongo is { } mongo ? new MongoContainerStore(mongo, signal) : new SqliteContainerStore(database.Sqlite!, signal);
        });
        services.AddSingleton<IImageStore>(sp =>
        {
            var database = sp.GetRequiredService<MetadataDatabase>();
            var signal = sp.GetRequiredService<OutboxSignal>();
            return database.Mongo is { } mongo ? new MongoImageStore(mongo, signal) : new SqliteImageStore(database.Sqlite!, signal);
        });
        services.AddSingleton<IUserStore>(sp =>
        {
            var database = sp.GetRequiredService<MetadataDatabase>();
            return database.Mongo is { } mongo ? new MongoUserStore(mongo) : new SqliteUserStore(database.Sqlite!);
        });
        // Containers and images append to one outbox in one database; one relay source reads it all. Registering the
        // image store here too would start a second relay loop over the same records and publish each event twice.
        services.AddSingleton(sp => (IOutboxStore)sp.GetRequiredService<IContainerStore>());
        services.AddEventHistory<IContainerStore>();
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IContainerStore>());
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IImageStore>());
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IUserStore>());
        // Beside the outbox, in the same database: a write records its command's outcome in its own transaction.
        services.AddCommandOutcomes(configuration, MetadataDatabase.Name, sp =>
        {
            var database = sp.GetRequiredService<MetadataDatabase>();
            return database.Mongo is { } mongo
                ? new MongoCommandOutcomes(mongo, MetadataDatabase.Name)
                : new SqliteCommandOutcomes(database.Sqlite!, MetadataDatabase.Name);
        });
        return services;
    }

    /// <summary>The metadata service's queues: one per command or query.</summary>
    public static ConsumerEndpoints AddMetadataConsumers(this ConsumerEndpoints endpoints) => endpoints
        .Add<CreateContainerConsumer>(ContainerQueues.Create)
        .Add<GetContainerConsumer>(ContainerQueues.Get)
        .Add<ListContainersConsumer>(ContainerQueues.List)
        .Add<UpdateContainerConsumer>(ContainerQueues.Update)
        .Add<DeleteContainerConsumer>(ContainerQueues.Delete)
        .Add<HoldContainerConsumer, HoldContainer>()
        .Add<TaskDeletedConsumer>(ContainerQueues.Events)
        .Add<ReadEventHistoryConsumer<IContainerStore>>(EventHistoryQueues.Metadata)
        .Add<CreateImageConsumer, CreateImage>()
        .Add<GetImageConsumer, GetImage>()
        .Add<ListImagesConsumer, ListImages>()
        .Add<UpdateImageConsumer, UpdateImage>()
        .Add<DeleteImageConsumer, DeleteImage>()
        .Add<CreateUserConsumer, CreateUser>()
        .Add<GetUserConsumer, GetUser>()
        .Add<ListUsersConsumer, ListUsers>()
        .Add<DeleteUserConsumer, DeleteUser>()
        .Add<GrantNamespaceConsumer, GrantNamespace>()
        .Add<RevokeNamespaceConsumer, RevokeNamespace>();
}
