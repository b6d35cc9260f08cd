using System.Text.Json.Nodes;
using Platform.Contracts.Resources;

namespace Platform.Cli.Output;

/// <summary>Leases and the resources they hold as JSON: always every field, absent ones as null.</summary>
internal static class LeaseJson
{
    public static JsonObject ToJson(Lease lease) => new()
    {
        ["id"] = lease.Id,
        ["namespace"] = lease.Namespace,
        ["labels"] = Json.Map(lease.Labels),
        ["createdAt"] = Json.Time(lease.CreatedAt),
        ["expiresAt"] = lease.ExpiresAt is { } expires ? Json.Time(expires) : null,
    };

    public static Task WriteAsync(TextWriter output, Lease lease) =>
        output.WriteLineAsync(ToJson(lease).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<Lease> leases) =>
        output.WriteLineAsync(new JsonArray([.. leases.Select(l => (JsonNode)ToJson(l))]).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<ResourceRef> resources) =>
        output.WriteLineAsync(new JsonArray([.. resources.Select(r => (JsonNode)ResourceJson.ToJson(r))]).ToJsonString(Json.Indented));
}
