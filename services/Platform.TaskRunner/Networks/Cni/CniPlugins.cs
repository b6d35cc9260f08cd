using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// Runs CNI plugins as the spec (1.0) says: the executable named by the configuration's <c>type</c>, found in the
/// plugin path, with <c>CNI_COMMAND</c>, <c>CNI_CONTAINERID</c>, <c>CNI_NETNS</c>, <c>CNI_IFNAME</c> and <c>CNI_PATH</c>
/// in its environment and the configuration on stdin; a result (ADD) or an error object (<c>code</c>, <c>msg</c>,
/// <c>details</c>) on stdout. With <see cref="NetworkOptions.HostNamespace"/> set, the plugin runs inside that network
/// namespace (through <c>nsenter</c>), so what it makes on the host side is made there.
/// </summary>
public sealed class CniPlugins(IOptions<NetworkOptions> options)
{
    /// <summary>The plugin's executable; Unavailable naming it and the folders searched when none has it.</summary>
    public string Find(string type)
    {
        if (string.IsNullOrEmpty(type) || type.Contains('/') || type is "." or "..")
            throw PlatformException.InvalidArgument($"CNI plugin type '{type}' must be a file name");
        foreach (var dir in options.Value.PluginDirs)
        {
            var path = Path.Combine(dir, type);
            if (File.Exists(path))
                return path;
        }
        throw PlatformException.Unavailable($"CNI plugin '{type}' not found in {string.Join(", ", options.Value.PluginDirs)} (TaskRunner:Networks:PluginPath)");
    }

    /// <summary>
    /// Runs <paramref name="command"/> (<c>ADD</c>, <c>DEL</c>, <c>CHECK</c>) with <paramref name="config"/>; the result
    /// for ADD, null otherwise. A plugin's error is a PlatformException naming the plugin and its message.
    /// </summary>
    public async Task<JsonObject?> RunAsync(string command, JsonObject config, CniInvocation call, CancellationToken cancellationToken)
    {
        var type = (string?)config["type"] ?? "";
        var executable = Find(type);
        var start = options.Value.HostSide(executable);
        start.RedirectStandardInput = true;
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_CONTAINERID"] = call.ContainerId;
        start.Environment["CNI_NETNS"] = call.Netns;
        start.Environment["CNI_IFNAME"] = call.IfName;
        start.Environment["CNI_PATH"] = string.Join(':', options.Value.PluginDirs);
        start.Environment.Remove("CNI_ARGS");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PluginTimeout);
        using var process = Process.Start(start) ?? throw PlatformException.Internal($"could not start CNI plugin {type}");
        string stdout, stderr;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.StandardInput.WriteAsync(config.ToJsonString().AsMemory(), timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited without reading its configuration (nsenter refused, say): its exit code and output say why.
            }
            await process.WaitForExitAsync(timeout.Token);
            stdout = await output;
            stderr = await errors;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw PlatformException.Unavailable($"CNI plugin {type} ({command}) did not finish within {options.Value.PluginTimeout}");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
            throw Failure(type, command, process.ExitCode, stdout, stderr);
        if (command != "ADD")
            return null;
        try
        {
            return JsonNode.Parse(stdout) as JsonObject
                ?? throw PlatformException.Internal($"CNI plugin {type} ({command}) returned no result object: {Shorten(stdout)}");
        }
        catch (JsonException e)
        {
            throw PlatformException.Internal($"CNI plugin {type} ({command}) returned a result that is not JSON: {e.Message}: {Shorten(stdout)}");
        }
    }

    /// <summary>The spec's error object on stdout (code, msg, details) as an error naming the plugin; stderr when there is none.</summary>
    private static PlatformException Failure(string type, string command, int exitCode, string stdout, string stderr)
    {
        int? code = null;
        string? msg = null, details = null;
        try
        {
            if (JsonNode.Parse(stdout) is JsonObject error)
            {
                code = error["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : null;
                msg = error["msg"]?.GetValue<string>();
                details = error["details"]?.GetValue<string>();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
        }
        var text = msg is null
            ? $"CNI plugin {type} ({command}) failed with exit code {exitCode}: {Shorten(string.IsNullOrWhiteSpace(stderr) ? stdout : stderr)}"
            : $"CNI plugin {type} ({command}) failed: {msg}" + (code is null ? "" : $" (code {code})") + (string.IsNullOrEmpty(details) ? "" : $": {details}");
        return code switch
        {
            // Spec codes: 11 = try again later; plugins say "failed to find plugin" when a delegate (IPAM) is missing.
            11 => PlatformException.Unavailable(text),
            _ when msg?.Contains("failed to find plugin", StringComparison.Ordinal) == true => PlatformException.Unavailable(text),
            _ when msg?.Contains("no IP addresses available", StringComparison.Ordinal) == true => PlatformException.ResourceExhausted(text),
            _ => PlatformException.Internal(text),
        };
    }

    private static string Shorten(string text) => text.Length <= 400 ? text.Trim() : text[..400].Trim() + "…";
}
