using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.TaskRunner.Networks.Cni;

public static class CniServiceExtensions
{
    /// <summary>Attaching tasks to networks through CNI (section <c>TaskRunner:Networks</c>).</summary>
    public static IServiceCollection AddCniNetworking(this IServiceCollection services, IConfiguration configuration)
    {
        // The same section as the network manager's (AddTaskNetworks); bound here too for hosts of the runtime alone.
        services.AddOptions<NetworkOptions>().Bind(configuration.GetSection(NetworkOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<CniPlugins>();
        services.TryAddSingleton<CniNetworkList>();
        services.TryAddSingleton<CniConfLists>();
        services.TryAddSingleton<NetnsFiles>();
        services.TryAddSingleton<AttachmentCache>();
        services.TryAddSingleton<HostPorts>();
        services.TryAddSingleton<TaskNames>();
        services.TryAddSingleton<TaskNetworks>();
        services.TryAddSingleton<TaskNetworkResolver>();
        return services;
    }
}
