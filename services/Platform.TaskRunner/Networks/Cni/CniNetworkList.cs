using System.Text.Json.Nodes;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// A network configuration list run as the spec's "network configuration list" section says (what libcni's
/// AddNetworkList/DelNetworkList do): ADD runs the plugins in order, each given the previous one's result as
/// <c>prevResult</c>, and returns the last result; DEL runs them in reverse, each given the ADD's final result.
/// Every plugin's configuration gets the list's <c>name</c> and <c>cniVersion</c>.
/// </summary>
public sealed class CniNetworkList(CniPlugins plugins)
{
    /// <summary>Unavailable naming the first plugin (or IPAM plugin) of <paramref name="list"/> that the plugin path lacks.</summary>
    public void CheckInstalled(JsonObject list)
    {
        foreach (var plugin in Plugins(list))
        {
            plugins.Find((string?)plugin["type"] ?? "");
            if (plugin["ipam"] is JsonObject ipam && (string?)ipam["type"] is { Length: > 0 } ipamType)
                plugins.Find(ipamType);
        }
    }

    public async Task<JsonObject> AddAsync(JsonObject list, CniInvocation call, CancellationToken cancellationToken)
    {
        JsonObject? result = null;
        foreach (var plugin in Plugins(list))
            result = await plugins.RunAsync("ADD", Configure(list, plugin, result, call), call, cancellationToken)
                ?? throw PlatformException.Internal($"CNI plugin {plugin["type"]} returned no result");
        return result ?? throw PlatformException.InvalidArgument($"CNI network {list["name"]} has no plugins");
    }

    /// <summary>Runs every plugin's DEL even when one fails (each is idempotent); then throws the first failure.</summary>
    public async Task DeleteAsync(JsonObject list, JsonObject? result, CniInvocation call, CancellationToken cancellationToken)
    {
        Exception? first = null;
        foreach (var plugin in Plugins(list).Reverse())
        {
            try
            {
                await plugins.RunAsync("DEL", Configure(list, plugin, result, call), call, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }

    private static IEnumerable<JsonObject> Plugins(JsonObject list) =>
        list["plugins"] is JsonArray array ? array.OfType<JsonObject>() : throw PlatformException.InvalidArgument($"CNI network {list["name"]} has no plugins array");

    private static JsonObject Configure(JsonObject list, JsonObject plugin, JsonObject? prevResult, CniInvocation call)
    {
        var config = plugin.DeepClone().AsObject();
        // As libcni: runtime configuration only for the capabilities a plugin declares (spec: "Deriving runtimeConfig").
        if (call.PortMappings is { } ports && plugin["capabilities"] is JsonObject caps && caps["portMappings"] is JsonValue on && on.TryGetValue<bool>(out var wants) && wants)
            config["runtimeConfig"] = new JsonObject { ["portMappings"] = ports.DeepClone() };
        config["name"] = list["name"]?.DeepClone();
        config["cniVersion"] = list["cniVersion"]?.DeepClone();
        if (prevResult is not null)
            config["prevResult"] = prevResult.DeepClone();
        return config;
    }
}
