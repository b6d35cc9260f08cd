using System.Text.Json.Nodes;
using Platform.Contracts.Containers;

namespace Platform.Cli.Output;

/// <summary>A container as JSON: always every field, absent ones as null, in this order.</summary>
internal static class ContainerJson
{
    public static JsonObject ToJson(Container container) => new()
    {
        ["id"] = container.Id,
        ["namespace"] = container.Namespace,
        ["labels"] = Json.Map(container.Labels),
        ["image"] = container.Image,
        ["runtime"] = new JsonObject
        {
            ["name"] = container.Runtime.Name,
            ["options"] = Json.Embed(container.Runtime.Options),
        },
        ["spec"] = Json.Embed(container.Spec),
        ["snapshotter"] = container.Snapshotter,
        ["snapshotKey"] = container.SnapshotKey,
        ["extensions"] = Json.Map(container.Extensions),
        ["createdAt"] = Json.Time(container.CreatedAt),
        ["updatedAt"] = Json.Time(container.UpdatedAt),
        ["version"] = container.Version,
    };

    public static Task WriteAsync(TextWriter output, Container container) =>
        output.WriteLineAsync(ToJson(container).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Container> containers) =>
        output.WriteLineAsync(new JsonArray([.. containers.Select(c => (JsonNode)ToJson(c))]).ToJsonString(Json.Indented));
}
