using Microsoft.Extensions.DependencyInjection;

namespace Platform.TaskRunner.Health;

public static class HealthServiceExtensions
{
    /// <summary>Health checks of running tasks (see <see cref="HealthMonitor"/>).</summary>
    public static IServiceCollection AddTaskHealth(this IServiceCollection services)
    {
        services.AddSingleton<HealthStatusMachine>();
        services.AddSingleton<HealthProber>();
        services.AddSingleton<HealthRecorder>();
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        return services;
    }
}
