using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// A task's OCI bundle, <c>bundles/&lt;ns&gt;/&lt;id&gt;/</c>: <c>config.json</c> (the container's spec as the runtime
/// gets it) and the <c>rootfs</c> mount point; and the process spec of an exec, which inherits from the bundle's.
/// </summary>
internal sealed class OciBundle(ConmonLayout layout)
{
    /// <summary>The spec as a JSON object with a <c>process</c> object; InvalidArgument otherwise.</summary>
    public static JsonObject ParseSpec(string specJson)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(specJson);
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"spec is not a JSON object: {e.Message}");
        }
        if (node is not JsonObject spec)
            throw PlatformException.InvalidArgument($"spec is not a JSON object: {StateFiles.Shorten(specJson)}");
        if (spec["process"] is not JsonObject)
            throw PlatformException.InvalidArgument("spec has no process object (process.args, process.cwd, ...)");
        return spec;
    }

    /// <summary>A container without a snapshot runs on the spec's <c>root.path</c>: it must be an existing absolute folder.</summary>
    public static void CheckRootPath(JsonObject spec)
    {
        var path = spec["root"] is JsonObject root && root["path"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrEmpty(path))
            throw PlatformException.InvalidArgument("spec root.path is required when the container has no snapshot");
        if (!Path.IsPathRooted(path))
            throw PlatformException.InvalidArgument($"spec root.path '{path}' must be an absolute folder when the container has no snapshot");
        if (!Directory.Exists(path))
            throw PlatformException.InvalidArgument($"spec root.path '{path}' does not exist");
    }

    /// <summary>
    /// Makes the bundle folder, mounts <paramref name="mounts"/> (when given) on its <c>rootfs</c>, resolves the spec's
    /// user in that root, and writes <c>config.json</c>: a terminal only when the spec asks (a boolean), and a cgroup under <c>/platform/&lt;ns&gt;/</c>
    /// unless the spec names one.
    /// </summary>
    public async Task WriteAsync(TaskHandle task, JsonObject spec, IReadOnlyList<Mount>? mounts, CancellationToken cancellationToken)
    {
        var bundle = PrivateFiles.CreateFolder(layout.BundleDir(task.Namespace, task.ContainerId));
        if (mounts is not null)
        {
            var rootfs = Path.Combine(bundle, "rootfs");
            Directory.CreateDirectory(rootfs);
            RootfsMounts.Mount(mounts, rootfs);
            var root = spec["root"] as JsonObject ?? [];
            root["path"] = "rootfs";
            spec["root"] = root;
        }
        SpecUser.Resolve(spec, RootfsOf(spec, bundle), $"{task.Namespace}/{task.ContainerId}");
        spec["process"]!["terminal"] = WantsTerminal(spec["process"]!.AsObject());
        if (spec["linux"] is not JsonObject linux)
            spec["linux"] = linux = [];
        if (linux["cgroupsPath"] is null || linux["cgroupsPath"]!.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty((string?)linux["cgroupsPath"]))
            linux["cgroupsPath"] = $"/platform/{task.Namespace}/{task.ContainerId}";
        await PrivateFiles.WriteAllTextAsync(layout.ConfigFile(task), spec.ToJsonString(), cancellationToken);
    }

    /// <summary>Whether a process spec asks for a terminal: <c>terminal: true</c>, anything else is no.</summary>
    public static bool WantsTerminal(JsonObject process) =>
        process["terminal"] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>Whether the spec keeps the init process's stdin open (the stdin annotation, <c>run -i</c>).</summary>
    public static bool WantsStdin(JsonObject spec) =>
        spec["annotations"] is JsonObject annotations && annotations[Platform.Contracts.Tasks.TaskStdio.StdinAnnotation] is JsonValue value
        && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == "true";

    /// <summary>Whether the task's bundle has its <c>config.json</c>.</summary>
    public bool Exists(TaskHandle task) => File.Exists(layout.ConfigFile(task));

    /// <summary>
    /// An exec's process spec from <paramref name="processJson"/> (args required): cwd <c>/</c> by default, what it
    /// leaves out of env, user, capabilities, rlimits and the security settings taken from the init process, root when
    /// no user is known, a terminal only when it asks for one.
    /// </summary>
    public async Task<JsonObject> ExecProcessAsync(TaskHandle task, string processJson, CancellationToken cancellationToken)
    {
        JsonObject process;
        try
        {
            process = JsonNode.Parse(processJson) as JsonObject ?? throw PlatformException.InvalidArgument($"process is not a JSON object: {StateFiles.Shorten(processJson)}");
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"process is not a JSON object: {e.Message}");
        }
        if (process["args"] is not JsonArray args || args.Count == 0 || args.Any(a => a is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw PlatformException.InvalidArgument("process.args is required: a non-empty array of strings");
        var config = layout.ConfigFile(task);
        var init = JsonNode.Parse(await File.ReadAllTextAsync(config, cancellationToken))!["process"] as JsonObject;
        if (process["cwd"] is null)
            process["cwd"] = "/";
        foreach (var inherited in new[] { "env", "user", "capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "selinuxLabel", "oomScoreAdj" })
            if (process[inherited] is null && init?[inherited] is { } value)
                process[inherited] = value.DeepClone();
        process["user"] ??= new JsonObject { ["uid"] = 0, ["gid"] = 0 };
        process["terminal"] = WantsTerminal(process);
        return process;
    }

    /// <summary>Unmounts the rootfs (stacked mounts included); Internal when it stays mounted, so nothing is deleted through it.</summary>
    public void Unmount(TaskHandle task)
    {
        var rootfs = Path.Combine(layout.BundleDir(task.Namespace, task.ContainerId), "rootfs");
        for (var attempt = 0; attempt < 16 && Directory.Exists(rootfs) && Native.IsMountPoint(rootfs); attempt++)
            Native.Unmount(rootfs);
        if (Directory.Exists(rootfs) && Native.IsMountPoint(rootfs))
            throw PlatformException.Internal($"cannot unmount {rootfs}; the bundle stays until it can be");
    }

    /// <summary>Removes the (unmounted) bundle, and its namespace's folder once empty.</summary>
    public void Remove(TaskHandle task)
    {
        var bundle = layout.BundleDir(task.Namespace, task.ContainerId);
        StateFiles.TryDeleteTree(bundle);
        StateFiles.TryDeleteEmpty(Path.GetDirectoryName(bundle)!);
    }

    /// <summary>The root filesystem's folder: <c>root.path</c>, relative to the bundle unless absolute.</summary>
    private static string RootfsOf(JsonObject spec, string bundle)
    {
        var path = spec["root"] is JsonObject root && root["path"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "rootfs";
        return Path.IsPathRooted(path) ? path : Path.Combine(bundle, path);
    }
}
