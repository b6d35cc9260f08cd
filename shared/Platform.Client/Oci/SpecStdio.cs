using System.Text.Json.Nodes;
using Platform.Contracts.Tasks;

namespace Platform.Client.Oci;

/// <summary><c>run -t</c> and <c>-i</c> in a spec: <c>process.terminal</c>, <c>TERM</c>, and the stdin annotation.</summary>
public static class SpecStdio
{
    /// <summary>docker's TERM for a container with a terminal, unless the spec sets one.</summary>
    public const string DefaultTerm = "TERM=xterm";

    public static void Apply(JsonObject spec, bool terminal, bool openStdin)
    {
        if (spec["process"] is JsonObject process)
        {
            process["terminal"] = terminal;
            if (terminal && process["env"] is JsonArray env && !env.Any(e => e?.ToString().StartsWith("TERM=", StringComparison.Ordinal) == true))
                env.Add((JsonNode)DefaultTerm);
        }
        if (!openStdin)
            return;
        if (spec["annotations"] is not JsonObject annotations)
            spec["annotations"] = annotations = new JsonObject();
        annotations[TaskStdio.StdinAnnotation] = "true";
    }
}
