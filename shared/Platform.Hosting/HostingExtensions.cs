using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// Store options (with <c>MONGODB_URI</c> and <c>PLATFORM_DATA_ROOT</c> as fallbacks), the start-up tightening of
    /// the data root to 0700 and the start-up store initialiser. Call before <c>AddPlatformBus</c> so stores are ready before any message arrives.
    /// </summary>
    public static IServiceCollection AddPlatformStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section))
            .PostConfigure(o =>
            {
                if (configuration[$"{StoreOptions.Section}:MongoUri"] is null && Environment.GetEnvironmentVariable("MONGODB_URI") is { Length: > 0 } mongo)
                    o.MongoUri = mongo;
                if (configuration[$"{StoreOptions.Section}:DataRoot"] is null && Environment.GetEnvironmentVariable("PLATFORM_DATA_ROOT") is { Length: > 0 } root)
                    o.DataRoot = root;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataRoot), "Store:DataRoot must name a folder")
            .ValidateOnStart();
        if (!services.Any(d => d.ImplementationType == typeof(PrivateDataRoot)))
            services.AddHostedService<PrivateDataRoot>();
        if (!services.Any(d => d.ImplementationType == typeof(StoreInitializer)))
            services.AddHostedService<StoreInitializer>();
        return services;
    }
}
