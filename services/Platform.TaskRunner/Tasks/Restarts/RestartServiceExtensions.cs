using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks.Restarts;

public static class RestartServiceExtensions
{
    /// <summary>Restart policies: the supervisor the task use cases call, its store beside the tasks', and the worker that restarts.</summary>
    public static IServiceCollection AddTaskRestarts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RestartOptions>().Bind(configuration.GetSection(RestartOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IRestartStore>(sp =>
        {
            var database = sp.GetRequiredService<TaskDatabase>();
            return database.Mongo is { } mongo ? new MongoRestartStore(mongo) : new SqliteRestartStore(database.Sqlite!);
        });
        services.AddSingleton(sp => (IInitializableStore)sp.GetRequiredService<IRestartStore>());
        services.AddSingleton<RestartSchedule>();
        services.AddSingleton<RestartCountLabel>();
        services.AddSingleton<RestartSupervisor>();
        services.AddSingleton<TaskRestarter>();
        services.AddSingleton<RestartWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RestartWorker>());
        return services;
    }
}
