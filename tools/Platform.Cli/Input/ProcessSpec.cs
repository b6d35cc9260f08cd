using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Client.Oci;
using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>The OCI process of <c>tasks exec</c>, and the <c>--env</c> values of <c>run</c> and <c>tasks exec</c>.</summary>
internal static class ProcessSpec
{
    /// <summary>
    /// The container's own process (user, capabilities, rlimits, environment) with <paramref name="args"/> to run,
    /// <paramref name="cwd"/> when given and <paramref name="env"/> added, as <c>ctr task exec</c> does. A spec that
    /// has no process (or is no JSON) gives a bare <c>{args, cwd, env}</c> with the default PATH.
    /// </summary>
    public static string ForExec(string? containerSpec, IReadOnlyList<string> args, string? cwd, IReadOnlyList<string> env, bool terminal = false)
    {
        var process = BaseProcess(containerSpec) ?? new JsonObject();
        process["terminal"] = terminal;
        process["args"] = Strings(args);
        if (!string.IsNullOrEmpty(cwd))
            process["cwd"] = cwd;
        else if (process["cwd"] is not JsonValue)
            process["cwd"] = "/";
        var inherited = process["env"] is JsonArray existing
            ? existing.Select(e => e?.GetValueKind() == JsonValueKind.String ? e.GetValue<string>() : null).OfType<string>().ToList()
            : [DefaultSpec.DefaultPath];
        process["env"] = Strings(Merge(inherited, env));
        return process.ToJsonString();
    }

    /// <exception cref="PlatformException">InvalidArgument naming <paramref name="what"/> when an item is not <c>KEY=VALUE</c>.</exception>
    public static IReadOnlyList<string> ParseEnv(IEnumerable<string>? items, string what)
    {
        var list = (items ?? []).ToList();
        foreach (var item in list)
        {
            if (item.IndexOf('=') <= 0)
                throw PlatformException.InvalidArgument($"{what} \"{item}\" must be KEY=VALUE");
        }
        return list;
    }

    /// <summary><paramref name="inherited"/> with <paramref name="given"/> added; a given key replaces an inherited one in its place.</summary>
    public static List<string> Merge(IEnumerable<string> inherited, IEnumerable<string> given)
    {
        var result = inherited.ToList();
        foreach (var item in given)
        {
            var prefix = item[..(item.IndexOf('=') + 1)];
            var index = result.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
            if (index >= 0)
                result[index] = item;
            else
                result.Add(item);
        }
        return result;
    }

    private static JsonObject? BaseProcess(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            return null;
        try
        {
            return JsonNode.Parse(spec) is JsonObject root && root["process"] is JsonObject process
                ? (JsonObject)process.DeepClone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
