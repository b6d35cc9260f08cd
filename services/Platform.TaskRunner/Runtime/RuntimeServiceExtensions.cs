using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Runtime.Conmon;

namespace Platform.TaskRunner.Runtime;

public static class RuntimeServiceExtensions
{
    /// <summary>
    /// Registers <see cref="ConmonRuntime"/> as the singleton <see cref="ITaskRuntime"/>, configured from section
    /// <c>TaskRunner:Runtime</c> (<see cref="RuntimeOptions"/>); needs the hosting's <c>StoreOptions</c> for the data root.
    /// </summary>
    public static IServiceCollection AddConmonRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RuntimeOptions>().Bind(configuration.GetSection(RuntimeOptions.Section)).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCniNetworking(configuration);
        services.AddSingleton<ConmonRuntime>();
        services.AddSingleton<ITaskRuntime>(sp => sp.GetRequiredService<ConmonRuntime>());
        services.AddSingleton<ITaskConsoles>(sp => new ConmonConsoles(new ConmonLayout(sp.GetRequiredService<ConmonRuntime>().Root)));
        return services;
    }
}
