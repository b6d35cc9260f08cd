using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Events;
using Platform.Contracts.Resources;
using Platform.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;
using Platform.Hosting.History;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Collection;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Import;
using Platform.ResourceGc.Leases;
using Platform.ResourceGc.Pull;
using Platform.ResourceGc.References;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc;

public static class ResourceGcServiceExtensions
{
    /// <summary>The resource GC service: snapshotters and content under the data root, its SQLite store, leases, references and the collector.</summary>
    public static IServiceCollection AddResourceGcService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatformStores(configuration);
        services.AddOptions<ResourceGcOptions>().Bind(configuration.GetSection(ResourceGcOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.PassInterval > TimeSpan.Zero, "ResourceGc:PassInterval must be positive")
            .ValidateOnStart();
        services.AddOptions<PullOptions>().Bind(configuration.GetSection(PullOptions.Section))
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "ResourceGc:Pull:RequestTimeout must be positive")
            .Validate(o => o.Parallelism > 0, "ResourceGc:Pull:Parallelism must be positive")
            .ValidateOnStart();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceClient();
        services.AddSingleton<IResourceStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var signal = sp.GetRequiredService<OutboxSignal>();
            return options.UseMongo
                ? new MongoResourceStore(MongoClients.For(options.MongoUri!).GetDatabase(options.MongoDatabase), signal)
                : new SqliteResourceStore(new SqliteDatabase(options.SqlitePathFor("resources")), signal);
        });
        services.AddSingleton(sp => (IOutboxStore)sp.GetRequiredService<IResourceStore>());
        services.AddEventHistory<IResourceStore>();
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IResourceStore>());
        services.AddSingleton(sp => (IVolumeStore)sp.GetRequiredService<IResourceStore>());
        // Beside the outbox, in the same database: a snapshot write records its command's outcome in its own transaction.
        services.AddCommandOutcomes(configuration, ResourceDatabase.Name, sp => sp.GetRequiredService<IResourceStore>().Outcomes);
        services.AddSingleton<Volumes.VolumeFolders>();
        services.AddSingleton<Volumes.VolumeService>();
        services.AddSingleton<Volumes.VolumeUses>();
        services.AddSingleton<Snapshotters>();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<ImportSessions>();
        services.AddSingleton<ContentBlobs>();
        services.AddSingleton<ContentIngests>();
        services.AddSingleton<ContentWriter>();
        services.AddSingleton<ContentService>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<ReferenceService>();
        services.AddSingleton<Collector>();
        services.AddSingleton<Unpack.ImageUnpacker>();
        services.AddSingleton<RegistryPolicy>();
        services.AddSingleton<ImageFetcher>();
        services.TryAddSingleton<IOwnerDirectory, BusOwnerDirectory>();
        services.AddHostedService<PeriodicCollection>();
        return services;
    }

    /// <summary>One queue per command or query, plus the subscription to container events.</summary>
    public static ConsumerEndpoints AddResourceGcConsumers(this ConsumerEndpoints endpoints) => endpoints
        .Add<ReadEventHistoryConsumer<IResourceStore>>(EventHistoryQueues.ResourceGc)
        .Add<PrepareSnapshotConsumer, PrepareSnapshot>()
        .Add<ViewSnapshotConsumer, ViewSnapshot>()
        .Add<GetSnapshotMountsConsumer, GetSnapshotMounts>()
        .Add<CommitSnapshotConsumer, CommitSnapshot>()
        .Add<RemoveSnapshotConsumer, RemoveSnapshot>()
        .Add<StatSnapshotConsumer, StatSnapshot>()
        .Add<UpdateSnapshotConsumer, UpdateSnapshot>()
        .Add<ListSnapshotsConsumer, ListSnapshots>()
        .Add<GetSnapshotUsageConsumer, GetSnapshotUsage>()
        .Add<BeginSnapshotImportConsumer, BeginSnapshotImport>()
        .Add<SnapshotImportChunkConsumer, SnapshotImportChunk>()
        .Add<CompleteSnapshotImportConsumer, CompleteSnapshotImport>()
        .Add<BeginContentIngestConsumer, BeginContentIngest>()
        .Add<ContentIngestChunkConsumer, ContentIngestChunk>()
        .Configure(QueueNames.Of<ContentIngestChunk>(), e => e.AddDeserializer(new BinaryChunkDeserializer()))
        .Add<CommitContentIngestConsumer, CommitContentIngest>()
        .Add<AbortContentIngestConsumer, AbortContentIngest>()
        .Add<GetContentInfoConsumer, GetContentInfo>()
        .Add<ListContentConsumer, ListContent>()
        .Add<ReadContentConsumer, ReadContent>()
        .Add<DeleteContentConsumer, DeleteContent>()
        .Add<UpdateContentConsumer, UpdateContent>()
        .Add<CreateLeaseConsumer, CreateLease>()
        .Add<DeleteLeaseConsumer, DeleteLease>()
        .Add<ListLeasesConsumer, ListLeases>()
        .Add<AddLeaseResourceConsumer, AddLeaseResource>()
        .Add<RemoveLeaseResourceConsumer, RemoveLeaseResource>()
        .Add<ListLeaseResourcesConsumer, ListLeaseResources>()
        .Add<AddReferenceConsumer, AddReference>()
        .Add<RemoveReferenceConsumer, RemoveReference>()
        .Add<Unpack.UnpackImageConsumer, UnpackImage>()
        .Add<FetchImageConsumer, FetchImage>()
        .Add<CollectGarbageConsumer, CollectGarbage>()
        .Add<ExplainResourceConsumer, ExplainResource>()
        .Add<Volumes.CreateVolumeConsumer, CreateVolume>()
        .Add<Volumes.GetVolumeConsumer, GetVolume>()
        .Add<Volumes.ListVolumesConsumer, ListVolumes>()
        .Add<Volumes.RemoveVolumeConsumer, RemoveVolume>()
        .Add<Volumes.PruneVolumesConsumer, PruneVolumes>()
        .Add<Volumes.ContainerCreatedVolumesConsumer>(ResourceQueues.Events)
        .Add<Volumes.ContainerDeletedVolumesConsumer>(ResourceQueues.Events)
        .Add<ContainerDeletedConsumer>(ResourceQueues.Events)
        .Add<ContainerUpdatedConsumer>(ResourceQueues.Events)
        .Add<ImageDeletedConsumer>(ResourceQueues.Events)
        .Add<ImageUpdatedConsumer>(ResourceQueues.Events);
}
