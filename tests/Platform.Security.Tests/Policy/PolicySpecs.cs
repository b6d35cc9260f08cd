using System.Text.Json.Nodes;
using Platform.Client.Oci;
using Platform.Common.Security;
using Xunit;

namespace Platform.Security.Tests.Policy;

/// <summary>The default spec (which keeps every rule) to change one field of, and the policy's answer about it.</summary>
internal static class PolicySpecs
{
    public const string Ns = "team-a";

    public static PolicyContext Context { get; } = new() { Namespace = Ns, HasSnapshot = true };

    public static JsonObject Default() => DefaultSpec.Build(new DefaultSpecOptions { Args = ["sh"], Hostname = "web" });

    public static JsonObject With(Action<JsonObject> change)
    {
        var spec = Default();
        change(spec);
        return spec;
    }

    public static IReadOnlyList<PolicyViolation> Check(JsonObject spec, PolicyContext? context = null) =>
        RuntimePolicy.Check(spec.ToJsonString(), context ?? Context);

    public static void Passes(JsonObject spec, PolicyContext? context = null)
    {
        var violations = Check(spec, context);
        Assert.True(violations.Count == 0, "expected no violation, got: " + string.Join("; ", violations));
    }

    /// <summary>Asserts the spec is refused (not as malformed) for <paramref name="field"/>, and returns that violation.</summary>
    public static PolicyViolation Refused(JsonObject spec, string field, PolicyContext? context = null)
    {
        var violations = Check(spec, context);
        var found = violations.FirstOrDefault(v => v.Field == field);
        Assert.True(found is not null, $"expected a violation of {field}, got: {(violations.Count == 0 ? "none" : string.Join("; ", violations))}");
        Assert.False(found.Malformed, $"{found} should be a policy refusal, not malformed");
        return found;
    }

    public static PolicyViolation Malformed(JsonObject spec, string field) => Malformed(spec.ToJsonString(), field);

    public static PolicyViolation Malformed(string specJson, string field)
    {
        var violations = RuntimePolicy.Check(specJson, Context);
        var found = violations.FirstOrDefault(v => v.Field == field && v.Malformed);
        Assert.True(found is not null, $"expected {field} to be malformed, got: {(violations.Count == 0 ? "none" : string.Join("; ", violations))}");
        return found;
    }

    public static JsonObject Linux(this JsonObject spec) => spec["linux"]!.AsObject();

    public static JsonObject Process(this JsonObject spec) => spec["process"]!.AsObject();

    public static JsonArray Mounts(this JsonObject spec) => spec["mounts"]!.AsArray();

    public static JsonObject Bind(string source, params string[] options) => new()
    {
        ["destination"] = "/data",
        ["type"] = "bind",
        ["source"] = source,
        ["options"] = new JsonArray([.. options.Select(o => (JsonNode)o)]),
    };
}
