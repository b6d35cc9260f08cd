using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.TaskRunner.Policy;

/// <summary>
/// The seccomp profile a task gets when its spec brings none: the file <see cref="TaskRunnerOptions.SeccompProfile"/>
/// (docker's format), read once and again whenever it changes, converted for this machine and the task's capabilities.
/// </summary>
public sealed class DefaultSeccompProfile(IOptions<TaskRunnerOptions> options, ILogger<DefaultSeccompProfile> logger)
{
    private readonly Lock _lock = new();
    private (DateTime Written, JsonObject Profile)? _loaded;

    /// <summary>The configured file.</summary>
    public string Path => options.Value.SeccompProfile;

    /// <summary>
    /// The profile as the OCI spec's <c>linux.seccomp</c> for a process with <paramref name="capabilities"/> (its bounding
    /// set); null, with the reason, when the file is missing or is not a profile.
    /// </summary>
    public JsonObject? For(IReadOnlyCollection<string> capabilities, out string? problem)
    {
        var profile = Load(out problem);
        return profile is null ? null : SeccompConverter.ToOci(profile, SeccompTarget.Host, capabilities);
    }

    private JsonObject? Load(out string? problem)
    {
        problem = null;
        var path = Path;
        DateTime written;
        try
        {
            written = File.GetLastWriteTimeUtc(path);
            if (!File.Exists(path))
            {
                problem = "does not exist";
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {e.Message}";
            return null;
        }
        lock (_lock)
        {
            if (_loaded is { } loaded && loaded.Written == written)
                return loaded.Profile;
        }
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject profile && profile["defaultAction"] is JsonValue && profile["syscalls"] is JsonArray)
            {
                lock (_lock)
                    _loaded = (written, profile);
                logger.LogInformation("Default seccomp profile {Path} loaded", path);
                return profile;
            }
            problem = "is not a seccomp profile (an object with defaultAction and syscalls)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            problem = $"cannot be read: {e.Message}";
        }
        return null;
    }
}
