using System.Text.Json.Nodes;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Volumes as JSON: always every field.</summary>
internal static class VolumeJson
{
    public static JsonObject ToJson(Volume volume) => new()
    {
        ["name"] = volume.Name,
        ["namespace"] = volume.Namespace,
        ["labels"] = Json.Map(volume.Labels),
        ["createdAt"] = Json.Time(volume.CreatedAt),
        ["mountpoint"] = volume.Mountpoint,
        ["usedBy"] = new JsonArray([.. volume.UsedBy.Select(c => (JsonNode?)c)]),
    };

    public static Task WriteAsync(TextWriter output, Volume volume) =>
        output.WriteLineAsync(ToJson(volume).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Volume> volumes) =>
        output.WriteLineAsync(new JsonArray([.. volumes.Select(v => (JsonNode)ToJson(v))]).ToJsonString(Json.Indented));
}
