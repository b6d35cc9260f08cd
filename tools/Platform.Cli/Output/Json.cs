using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Cli.Output;

internal static class Json
{
    /// <summary>Relaxed escaping: label values and specs stay readable ('+', '&lt;', non-ASCII) and remain valid JSON.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Opaque JSON text embedded as JSON when it parses, so <c>jq .spec.process</c> works; as a string otherwise.</summary>
    public static JsonNode? Embed(string? text)
    {
        if (text is null)
            return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    public static JsonObject Map(IReadOnlyDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            json[key] = value;
        return json;
    }

    /// <summary>UTC with a Z, the form scripts compare most easily.</summary>
    public static JsonNode Time(DateTimeOffset time) => JsonValue.Create(time.UtcDateTime);
}
