using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Hosting.History;
using Platform.Hosting.Options;

namespace Platform.Hosting.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// The relay and its wake-up signal, and the pruning of the history the relay leaves behind; a service adds its store
    /// as an <see cref="IOutboxStore"/>.
    /// </summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboxSignal>();
        if (configuration.GetValue($"{OutboxOptions.Section}:Enabled", true) && !services.Any(d => d.ImplementationType == typeof(OutboxRelay)))
        {
            services.AddSingleton<OutboxRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        }
        services.AddEventHistoryPruning(configuration);
        return services;
    }
}
