namespace Platform.Cli.Input;

/// <summary>The <c>--filter</c> values of resource commands: containerd filters, with docker's <c>label=KEY[=VALUE]</c> accepted too.</summary>
internal static class DockerFilters
{
    /// <summary>docker's <c>label=KEY[=VALUE]</c> as containerd's <c>labels."KEY"[==VALUE]</c>; anything else as given; null when none.</summary>
    public static IReadOnlyList<string>? List(string[]? given) =>
        given is { Length: > 0 }
            ? [.. given.Select(f => f.StartsWith("label=", StringComparison.Ordinal) ? Label(f["label=".Length..]) : f)]
            : null;

    private static string Label(string label)
    {
        var equals = label.IndexOf('=');
        var key = equals < 0 ? label : label[..equals];
        var quoted = "labels.\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return equals < 0 ? quoted : $"{quoted}==\"{label[(equals + 1)..].Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
    }
}
