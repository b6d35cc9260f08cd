using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Hosting.Options;

namespace Platform.Hosting.Commands;

public static class CommandExtensions
{
    /// <summary>
    /// A service's command outcomes: <paramref name="store"/> for its database, registered for pruning, and a keyed
    /// <see cref="CommandOnce"/> (key: the store's name) for its use cases. Options and the pruner are added once.
    /// </summary>
    public static IServiceCollection AddCommandOutcomes(this IServiceCollection services, IConfiguration configuration, string name,
        Func<IServiceProvider, ICommandOutcomeStore> store)
    {
        services.AddOptions<CommandOptions>().Bind(configuration.GetSection(CommandOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton<ICommandOutcomeStore>(name, (sp, _) => store(sp));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<ICommandOutcomeStore>(name));
        services.AddSingleton<IInitializableStore>(sp => sp.GetRequiredKeyedService<ICommandOutcomeStore>(name));
        services.AddKeyedSingleton(name, (sp, _) => new CommandOnce(sp.GetRequiredKeyedService<ICommandOutcomeStore>(name), sp.GetRequiredService<TimeProvider>()));
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CommandOutcomePruner)))
            services.AddHostedService<CommandOutcomePruner>();
        return services;
    }
}
