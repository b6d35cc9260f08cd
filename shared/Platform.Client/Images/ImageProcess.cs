using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>What the user said about the process, over the image's defaults. Null means "the image's".</summary>
public sealed record ProcessOverrides
{
    /// <summary>Optional. Arguments after the image name; when non-empty they replace the image's Cmd.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>
    /// Optional. <c>--entrypoint</c>: replaces the image's Entrypoint and clears its Cmd (so only <see cref="Args"/> follow).
    /// An empty list clears the Entrypoint, as <c>--entrypoint ""</c> does in docker.
    /// </summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Optional. <c>KEY=VALUE</c> entries; a key the image sets takes the user's value.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Optional. Replaces the image's WorkingDir.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Optional. Replaces the image's User (<c>name</c>, <c>uid</c>, <c>uid:gid</c>, <c>name:group</c>…).</summary>
    public string? User { get; init; }
}

/// <summary>The process an image config and the user's overrides make.</summary>
/// <param name="Args">Entrypoint then command; never empty.</param>
/// <param name="Env"><c>KEY=VALUE</c>, image order first, then the user's new keys; PATH always set.</param>
/// <param name="Cwd">Absolute; <c>/</c> when neither says.</param>
/// <param name="User">As written (resolve it with <see cref="UserResolver"/>); empty means root.</param>
/// <param name="StopSignal">The image's StopSignal, or <c>SIGTERM</c>.</param>
public sealed record ProcessSettings(IReadOnlyList<string> Args, IReadOnlyList<string> Env, string Cwd, string User, string StopSignal);

/// <summary>Image config → process, the way docker and nerdctl do it.</summary>
public static class ImageProcess
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public const string DefaultStopSignal = "SIGTERM";

    /// <summary>
    /// Merges <paramref name="overrides"/> over <paramref name="config"/>. InvalidArgument when there is nothing to run
    /// (no Entrypoint, no Cmd, no arguments) or an Env entry has no key.
    /// </summary>
    public static ProcessSettings Resolve(ImageConfig? config, ProcessOverrides? overrides = null)
    {
        var image = config?.Config ?? new ContainerConfig();
        overrides ??= new ProcessOverrides();

        IReadOnlyList<string> entrypoint, command;
        if (overrides.Entrypoint is not null)
            (entrypoint, command) = (overrides.Entrypoint, overrides.Args ?? []);
        else
            (entrypoint, command) = (image.Entrypoint ?? [], overrides.Args is { Count: > 0 } args ? args : image.Cmd ?? []);
        var argv = entrypoint.Concat(command).ToList();
        if (argv.Count == 0)
            throw PlatformException.InvalidArgument("no command: the image defines neither Entrypoint nor Cmd; give one");

        var cwd = !string.IsNullOrEmpty(overrides.WorkingDir) ? overrides.WorkingDir
            : !string.IsNullOrEmpty(image.WorkingDir) ? image.WorkingDir
            : "/";
        return new ProcessSettings(
            argv,
            MergeEnv(image.Env ?? [], overrides.Env),
            cwd,
            overrides.User ?? image.User ?? "",
            string.IsNullOrEmpty(image.StopSignal) ? DefaultStopSignal : image.StopSignal);
    }

    /// <summary>
    /// The image's entries in their order with the user's values for keys both set, then the user's new keys; a later
    /// duplicate key wins in place. PATH is added (<see cref="DefaultPath"/>) when neither sets it.
    /// </summary>
    public static IReadOnlyList<string> MergeEnv(IReadOnlyList<string> image, IReadOnlyList<string> user)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in image.Concat(user))
        {
            var key = Key(entry);
            if (!values.ContainsKey(key))
                order.Add(key);
            values[key] = entry;
        }
        if (!values.ContainsKey("PATH"))
        {
            order.Insert(0, "PATH");
            values["PATH"] = "PATH=" + DefaultPath;
        }
        return order.Select(k => values[k]).ToList();
    }

    private static string Key(string entry)
    {
        var equals = entry.IndexOf('=');
        var key = equals < 0 ? entry : entry[..equals];
        if (key.Length == 0)
            throw PlatformException.InvalidArgument($"environment entry \"{entry}\" has no name: expected KEY=VALUE");
        return key;
    }
}
