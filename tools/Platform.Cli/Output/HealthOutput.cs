using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Output;

/// <summary>A task's health in <c>tasks get</c>: docker's <c>State.Health</c> shape in JSON, one line per probe in text.</summary>
internal static class HealthOutput
{
    public static JsonNode? ToJson(TaskHealth? health) => health is null
        ? null
        : new JsonObject
        {
            ["status"] = health.Status,
            ["failingStreak"] = health.FailingStreak,
            ["log"] = new JsonArray([.. health.Log.Select(p => (JsonNode)new JsonObject
            {
                ["start"] = Json.Time(p.Start),
                ["end"] = Json.Time(p.End),
                ["exitCode"] = p.ExitCode,
                ["output"] = p.Output,
            })]),
        };

    public static string Text(TaskHealth? health) => health is null
        ? TextBlock.None
        : string.Join('\n', [
            $"{health.Status} (failing streak {health.FailingStreak.ToString(CultureInfo.InvariantCulture)})",
            .. health.Log.Select(p => $"{ContainerText.Time(p.Start)} exit={p.ExitCode.ToString(CultureInfo.InvariantCulture)} {OneLine(p.Output)}"),
        ]);

    private static string OneLine(string output)
    {
        var line = output.Trim().ReplaceLineEndings(" ");
        return line.Length <= 60 ? line : line[..60] + "…";
    }
}
