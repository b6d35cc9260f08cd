using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.TaskRunner.Networks.Cni;

public static class CniServiceExtensions
{
    /// <summary>Attaching tasks to networks through CNI (section <c>TaskRunner:Networks</c>).</summary>
    public static IServiceCollection AddCniNetworking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CniOptions>().Bind(configuration.GetSection(CniOptions.Section))
            .Validate(o => o.PluginDirs.Count > 0, "TaskRunner:Networks:PluginPath must name at least one folder")
            .Validate(o => string.IsNullOrEmpty(o.HostNamespace) || Path.IsPathRooted(o.HostNamespace), "TaskRunner:Networks:HostNamespace must be an absolute path")
            .ValidateOnStart();
        services.TryAddSingleton<CniPlugins>();
        services.TryAddSingleton<CniNetworkList>();
        services.TryAddSingleton<CniConfLists>();
        services.TryAddSingleton<NetnsFiles>();
        services.TryAddSingleton<AttachmentCache>();
        services.TryAddSingleton<TaskNetworks>();
        services.TryAddSingleton<TaskNetworkResolver>();
        return services;
    }
}
