using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;

namespace Platform.Hosting.History;

public static class EventHistoryExtensions
{
    /// <summary>
    /// Serves the event history of the service whose store is <typeparamref name="TStore"/> (which must keep one: an
    /// <see cref="IEventHistoryStore"/>); add <see cref="ReadEventHistoryConsumer{TStore}"/> on its queue.
    /// </summary>
    public static IServiceCollection AddEventHistory<TStore>(this IServiceCollection services)
        where TStore : class
    {
        services.TryAddSingleton<EventHistoryReader>();
        services.TryAddSingleton(sp => new EventHistorySource<TStore>(sp.GetRequiredService<TStore>() as IEventHistoryStore
            ?? throw new InvalidOperationException($"the {typeof(TStore).Name} registered keeps no event history")));
        return services;
    }

    /// <summary>Prunes every relayed store's history by <c>Events:History</c> (<see cref="EventHistoryOptions"/>).</summary>
    public static IServiceCollection AddEventHistoryPruning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventHistoryOptions>().Bind(configuration.GetSection(EventHistoryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(EventHistoryPruner)))
        {
            services.AddSingleton<EventHistoryPruner>();
            services.AddHostedService(sp => sp.GetRequiredService<EventHistoryPruner>());
        }
        return services;
    }
}
