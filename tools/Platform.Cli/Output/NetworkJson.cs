using System.Text.Json.Nodes;
using Platform.Contracts.Networks;

namespace Platform.Cli.Output;

/// <summary>Networks as JSON: always every field.</summary>
internal static class NetworkJson
{
    public static JsonObject ToJson(Network network) => new()
    {
        ["name"] = network.Name,
        ["id"] = network.Id,
        ["namespace"] = network.Namespace,
        ["driver"] = network.Driver,
        ["subnet"] = network.Subnet,
        ["gateway"] = network.Gateway,
        ["bridge"] = network.Bridge,
        ["labels"] = Json.Map(network.Labels),
        ["createdAt"] = Json.Time(network.CreatedAt),
        ["containers"] = new JsonArray([.. network.Containers.Select(c => (JsonNode?)c)]),
    };

    public static Task WriteAsync(TextWriter output, Network network) =>
        output.WriteLineAsync(ToJson(network).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Network> networks) =>
        output.WriteLineAsync(new JsonArray([.. networks.Select(n => (JsonNode)ToJson(n))]).ToJsonString(Json.Indented));
}
