using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Common.Security;

namespace Platform.TaskRunner.Policy;

/// <summary>A spec the policy let through, as the runtime gets it.</summary>
/// <param name="SpecJson">The spec, with the default seccomp profile added when it had none.</param>
/// <param name="Privileged">The task needed its caller's privileged grant: the spec broke a rule the grant lifts.</param>
public sealed record AdmittedSpec(string SpecJson, bool Privileged);

/// <summary>
/// The runtime policy (<see cref="RuntimePolicy"/>) where it is the last line of defence: every task and exec process
/// the runner starts, whatever the metadata service accepted. An unprivileged caller's spec must keep every rule; a
/// privileged caller's may break them, and the task says it ran privileged. A spec without seccomp gets the default
/// profile either way; when that profile is missing only a privileged caller's task runs, unconfined.
/// </summary>
public sealed class TaskPolicy(IOptions<TaskRunnerOptions> options, DefaultSeccompProfile seccomp, ILogger<TaskPolicy> logger)
{
    public AdmittedSpec AdmitTask(string @namespace, string containerId, string specJson, bool hasSnapshot, bool privileged)
    {
        var context = new PolicyContext
        {
            Namespace = @namespace,
            HasSnapshot = hasSnapshot,
            AllowedBindSources = options.Value.AllowedBindSources,
            VolumesRoot = options.Value.VolumesRoot,
            ResolveHostPath = HostPaths.Resolve,
            HostHardLimit = HostLimits.Hard,
        };
        var subject = $"container {containerId}";
        var violations = RuntimePolicy.Check(specJson, context);
        if (!privileged)
            RuntimePolicy.Enforce(violations, subject, @namespace);
        var lifted = violations.Count > 0;

        var spec = Parse(specJson, subject);
        if (spec["linux"] is null)
            spec["linux"] = new JsonObject();
        if (spec["linux"] is JsonObject linux && linux["seccomp"] is null)
        {
            var profile = seccomp.For(BoundingSet(spec), out var problem);
            if (profile is not null)
                linux["seccomp"] = profile;
            else if (!privileged)
                throw PlatformException.FailedPrecondition(
                    $"{subject}: the default seccomp profile {seccomp.Path} {problem}, and an unprivileged task does not run unconfined " +
                    "(install golang-github-containers-common, or set TaskRunner:SeccompProfile)");
            else
            {
                logger.LogWarning("Task {Namespace}/{ContainerId} runs without seccomp: the default profile {Path} {Problem}",
                    @namespace, containerId, seccomp.Path, problem);
                lifted = true;
            }
        }
        if (lifted)
            logger.LogInformation("Task {Namespace}/{ContainerId} runs privileged: {Violations}", @namespace, containerId,
                violations.Count == 0 ? "without seccomp" : string.Join("; ", violations));
        return new AdmittedSpec(spec.ToJsonString(), lifted);
    }

    /// <summary>
    /// An exec process of an unprivileged caller: refused in a task that runs privileged (it would share what the task
    /// was granted), and held to the process rules otherwise.
    /// </summary>
    public void AdmitExec(string @namespace, string containerId, string execId, string processJson, bool taskPrivileged, bool privileged)
    {
        if (privileged)
            return;
        var subject = $"exec process {execId} of container {containerId}";
        if (taskPrivileged)
            throw PlatformException.PermissionDenied(
                $"{subject}: the task runs privileged, so a process in it needs a privileged grant in namespace \"{@namespace}\"");
        RuntimePolicy.Enforce(RuntimePolicy.CheckExecProcess(processJson, HostLimits.Hard), subject, @namespace);
    }

    private static JsonObject Parse(string specJson, string subject)
    {
        try
        {
            if (JsonNode.Parse(specJson) is JsonObject spec)
            {
                ReadAll(spec); // a key given twice only shows when its object is read
                return spec;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw PlatformException.InvalidArgument($"{subject}: spec is not a valid JSON object: {e.Message}");
        }
        throw PlatformException.InvalidArgument($"{subject}: spec is not a JSON object");
    }

    private static void ReadAll(JsonNode? node)
    {
        if (node is JsonObject obj)
            foreach (var (_, value) in obj)
                ReadAll(value);
        else if (node is JsonArray array)
            foreach (var item in array)
                ReadAll(item);
    }

    private static string[] BoundingSet(JsonObject spec) =>
        (spec["process"] as JsonObject)?["capabilities"] is JsonObject capabilities && capabilities["bounding"] is JsonArray bounding
            ? [.. bounding.Select(c => c is JsonValue v && v.TryGetValue<string>(out var name) ? name : null).OfType<string>()]
            : [];
}
