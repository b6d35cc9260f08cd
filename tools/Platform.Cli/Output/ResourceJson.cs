using System.Text.Json.Nodes;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>A resource reference as JSON: <c>{kind, snapshotter, key}</c>.</summary>
internal static class ResourceJson
{
    public static JsonObject ToJson(ResourceRef resource) => new()
    {
        ["kind"] = resource.Kind,
        ["snapshotter"] = resource.Snapshotter,
        ["key"] = resource.Key,
    };
}
