using System.Text.Json.Nodes;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Content records as JSON: <c>{digest, namespace, size, labels, createdAt, updatedAt}</c>, sizes in bytes.</summary>
internal static class ContentJson
{
    public static JsonObject ToJson(Content content) => new()
    {
        ["digest"] = content.Digest,
        ["namespace"] = content.Namespace,
        ["size"] = content.Size,
        ["labels"] = Json.Map(content.Labels),
        ["createdAt"] = Json.Time(content.CreatedAt),
        ["updatedAt"] = Json.Time(content.UpdatedAt),
    };

    public static Task WriteAsync(TextWriter output, Content content) =>
        output.WriteLineAsync(ToJson(content).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Content> contents) =>
        output.WriteLineAsync(new JsonArray([.. contents.Select(c => (JsonNode)ToJson(c))]).ToJsonString(Json.Indented));
}
