using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Options;

namespace Platform.Hosting.Bus;

public static class ServiceClientExtensions
{
    /// <summary>
    /// The client library over the host's own bus, for one service calling another (with the host's queue
    /// prefix, so it reaches the services of the same deployment).
    /// </summary>
    public static IServiceCollection AddServiceClient(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new PlatformClient(sp.GetRequiredService<IBus>(), new PlatformClientOptions
        {
            EndpointPrefix = sp.GetRequiredService<IOptions<BusOptions>>().Value.EndpointPrefix,
        }));
        return services;
    }
}
