using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Events;
using Platform.Contracts.Networks;
using Platform.Contracts.Tasks;
using Platform.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;
using Platform.Hosting.History;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Copy;
using Platform.TaskRunner.Health;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Policy;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Stats;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;
using Platform.TaskRunner.Tasks.Restarts;
using Platform.TaskRunner.Terminals;

namespace Platform.TaskRunner;

public static class TaskRunnerServiceExtensions
{
    /// <summary>
    /// The task runner's logic, runtime and store: MongoDB when <c>Store:MongoUri</c> (or <c>MONGODB_URI</c>) is set,
    /// otherwise the embedded SQLite file <c>{DataRoot}/tasks.db</c>. Runtime state lives under <c>{DataRoot}/tasks</c>.
    /// </summary>
    public static IServiceCollection AddTaskRunnerService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatformStores(configuration);
        services.AddOptions<TaskRunnerOptions>().Bind(configuration.GetSection(TaskRunnerOptions.Section)).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.VolumesRoot ??= Path.Combine(Path.GetFullPath(configuration["Store:DataRoot"] ?? "/var/lib/platform"), "volumes"));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceClient();
        services.AddConmonRuntime(configuration);
        services.AddSingleton<TaskLocks>();
        services.AddSingleton<HeldRequests>();
        services.AddSingleton<ExitSignals>();
        services.AddSingleton<WatchedProcesses>();
        services.AddSingleton<ExitWatch>();
        services.AddSingleton<TaskReferences>();
        services.AddSingleton<DefaultSeccompProfile>();
        services.AddSingleton<TaskPolicy>();
        services.AddSingleton<TaskRemoval>();
        services.AddSingleton<TaskExits>();
        services.AddSingleton<TaskCreation>();
        services.AddSingleton<TaskLifecycle>();
        services.AddSingleton<TaskUpdates>();
        services.AddSingleton<TaskExecs>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<TaskWaits>();
        services.AddSingleton<TaskLogs>();
        services.AddSingleton<TaskReconciler>();
        services.TryAddSingleton(new StatsRoots());
        services.AddSingleton<TaskStatsReader>();
        services.AddSingleton<TaskStatsQueries>();
        services.AddSingleton<CopyFolders>();
        services.AddSingleton<CopySessions>();
        services.AddSingleton<ContainerRoots>();
        services.AddSingleton<TaskCopies>();
        services.AddSingleton<AttachConnections>();
        services.AddSingleton<TaskTerminals>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskReconciler>());
        services.AddTaskHealth();
        services.AddTaskRestarts(configuration);
        services.AddTaskNetworks(configuration);

        services.AddSingleton(sp => TaskDatabase.Open(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddSingleton<ITaskStore>(sp =>
        {
            var database = sp.GetRequiredService<TaskDatabase>();
            var signal = sp.GetRequiredService<OutboxSignal>();
            return database.Mongo is { } mongo ? new MongoTaskStore(mongo, signal) : new SqliteTaskStore(database.Sqlite!, signal);
        });
        services.AddSingleton(sp => (IOutboxStore)sp.GetRequiredService<ITaskStore>());
        services.AddEventHistory<ITaskStore>();
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<ITaskStore>());
        // Beside the outbox, in the same database: a create or start records its command's outcome in its own transaction.
        services.AddCommandOutcomes(configuration, TaskDatabase.Name, sp =>
        {
            var database = sp.GetRequiredService<TaskDatabase>();
            return database.Mongo is { } mongo
                ? new MongoCommandOutcomes(mongo, TaskDatabase.Name)
                : new SqliteCommandOutcomes(database.Sqlite!, TaskDatabase.Name);
        });
        return services;
    }

    /// <summary>The task runner's queues: one per command or query.</summary>
    public static ConsumerEndpoints AddTaskRunnerConsumers(this ConsumerEndpoints endpoints) => endpoints
        .Add<CreateTaskConsumer>(TaskQueues.Create)
        .Add<StartTaskConsumer>(TaskQueues.Start)
        .Add<KillTaskConsumer>(TaskQueues.Kill)
        .Add<DeleteTaskConsumer>(TaskQueues.Delete)
        .Add<ExecProcessConsumer>(TaskQueues.Exec)
        .Add<PauseTaskConsumer>(TaskQueues.Pause)
        .Add<ResumeTaskConsumer>(TaskQueues.Resume)
        .Add<UpdateTaskConsumer>(TaskQueues.Update)
        .Add<GetTaskConsumer>(TaskQueues.Get)
        .Add<CheckTaskHoldConsumer, CheckTaskHold>()
        .Add<ListTasksConsumer>(TaskQueues.List)
        .Add<ListPidsConsumer>(TaskQueues.Pids)
        .Add<ListTaskStatsConsumer>(TaskQueues.Stats)
        .Add<TopTaskConsumer>(TaskQueues.Top)
        .Add<CopyToTaskConsumer>(TaskQueues.CopyTo)
        .Add<CopyFromTaskConsumer>(TaskQueues.CopyFrom)
        .Add<WaitTaskConsumer>(TaskQueues.Wait, HeldRequestLimit)
        .Add<ReadTaskLogsConsumer>(TaskQueues.Logs, HeldRequestLimit)
        .Add<AttachTaskConsumer>(TaskQueues.Attach)
        .Add<WriteTaskStdinConsumer>(TaskQueues.Stdin)
        .Add<CloseTaskStdinConsumer>(TaskQueues.CloseStdin)
        .Add<ResizeTaskConsumer>(TaskQueues.Resize)
        .Add<CreateNetworkConsumer>(NetworkQueues.Create)
        .Add<GetNetworkConsumer>(NetworkQueues.Get)
        .Add<ListNetworksConsumer>(NetworkQueues.List)
        .Add<RemoveNetworkConsumer>(NetworkQueues.Remove)
        .Add<PruneNetworksConsumer>(NetworkQueues.Prune)
        .Add<ReadEventHistoryConsumer<ITaskStore>>(EventHistoryQueues.TaskRunner);

    /// <summary>WaitTask and ReadTaskLogs answers are held (up to a minute): this many waiters or followers are served at once.</summary>
    public const int HeldRequestLimit = 512;
}
