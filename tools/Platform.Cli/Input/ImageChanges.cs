using System.Text.Json;
using Platform.Cli.Output;
using Platform.Client.Images;
using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>
/// docker import's <c>--change</c>: Dockerfile instructions that set the new image's config. CMD and ENTRYPOINT take
/// the JSON form (<c>CMD ["sh"]</c>) or the shell form (<c>CMD echo hi</c> runs <c>/bin/sh -c "echo hi"</c>); ENV takes
/// <c>KEY=VALUE</c> pairs or <c>KEY VALUE</c>; WORKDIR, USER and STOPSIGNAL a value. Anything else is InvalidArgument.
/// </summary>
internal static class ImageChanges
{
    public static ContainerConfig Apply(IEnumerable<string>? changes)
    {
        var config = new ContainerConfig { Env = [$"PATH={ImageProcess.DefaultPath}"] };
        foreach (var change in changes ?? [])
        {
            var text = change.Trim();
            var space = text.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? text : text[..space]).ToUpperInvariant();
            var value = space < 0 ? "" : text[(space + 1)..].Trim();
            if (value.Length == 0)
                throw PlatformException.InvalidArgument($"--change \"{change}\" needs a value after {instruction}");
            config = instruction switch
            {
                "CMD" => config with { Cmd = Command(value, change) },
                "ENTRYPOINT" => config with { Entrypoint = Command(value, change) },
                "ENV" => config with { Env = ImageProcess.MergeEnv(config.Env ?? [], Env(value, change)) },
                "WORKDIR" => config with { WorkingDir = value },
                "USER" => config with { User = value },
                "STOPSIGNAL" => config with { StopSignal = value },
                _ => throw PlatformException.InvalidArgument(
                    $"--change \"{change}\": {instruction} is not one of CMD, ENTRYPOINT, ENV, WORKDIR, USER, STOPSIGNAL"),
            };
        }
        return config;
    }

    private static IReadOnlyList<string> Command(string value, string change)
    {
        if (!value.StartsWith('['))
            return ["/bin/sh", "-c", value];
        try
        {
            return JsonSerializer.Deserialize(value, CliJson.Default.StringArray) ?? [];
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"--change \"{change}\": the JSON form must be an array of strings ({e.Message})");
        }
    }

    private static IReadOnlyList<string> Env(string value, string change)
    {
        var equals = value.IndexOf('=');
        var space = value.IndexOfAny([' ', '\t']);
        if (equals > 0 && (space < 0 || equals < space))
            return value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Contains('=') ? pair
                : throw PlatformException.InvalidArgument($"--change \"{change}\": \"{pair}\" is not KEY=VALUE")).ToList();
        if (space > 0)
            return [$"{value[..space]}={value[(space + 1)..].Trim()}"];
        throw PlatformException.InvalidArgument($"--change \"{change}\": ENV needs KEY=VALUE or KEY VALUE");
    }
}
