using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// The OCI runtime's command line (runc, or crun, which takes the same): which binaries are installed, one call per
/// verb with <c>--root</c> set per namespace, and the runtime's complaints turned into errors a person can act on.
/// </summary>
internal sealed partial class RuncCommand
{
    /// <summary>PATH for the runtime and conmon when the runner's own has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly ConmonLayout _layout;
    private readonly IReadOnlyDictionary<string, string> _runtimes;

    public RuncCommand(RuntimeOptions options, ConmonLayout layout)
    {
        _layout = layout;
        var runtimes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (new[] { "/usr/sbin/runc", "/usr/bin/runc" }.FirstOrDefault(File.Exists) is { } runc)
            runtimes["runc"] = runc;
        if (File.Exists("/usr/bin/crun"))
            runtimes["crun"] = "/usr/bin/crun";
        foreach (var (name, path) in options.Runtimes)
            runtimes[name] = path;
        _runtimes = runtimes.Where(r => File.Exists(r.Value)).ToDictionary(r => r.Key, r => r.Value);
        Installed = [.. _runtimes.Keys];
    }

    /// <summary>See <see cref="ITaskRuntime.Installed"/>.</summary>
    public IReadOnlyList<string> Installed { get; }

    /// <summary>The runtime's name and binary; InvalidArgument, naming the installed ones, when it is not installed.</summary>
    public (string Name, string Binary) Resolve(string name)
    {
        var canonical = name switch
        {
            "io.containerd.runc.v2" or "io.containerd.runc.v1" => "runc",
            _ => name,
        };
        if (_runtimes.TryGetValue(canonical, out var binary))
            return (canonical, binary);
        throw PlatformException.InvalidArgument(
            $"runtime '{name}' is not installed here; installed: {(Installed.Count == 0 ? "none" : string.Join(", ", Installed))}");
    }

    /// <summary>For cleanup and queries of a task whose runtime name may no longer resolve: fall back to any installed one.</summary>
    public (string Name, string Binary) ResolveForCleanup(TaskHandle task)
    {
        try
        {
            return Resolve(task.Runtime);
        }
        catch (PlatformException) when (_runtimes.Count > 0)
        {
            var first = _runtimes.First();
            return (first.Key, first.Value);
        }
    }

    public async Task StartAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunOrThrowAsync(task, ["start", task.ContainerId], cancellationToken);

    /// <summary>Signals the init process (every process with <paramref name="all"/>); a process already gone is no error.</summary>
    public async Task KillAsync(TaskHandle task, int signal, bool all, CancellationToken cancellationToken)
    {
        var args = all
            ? new[] { "kill", "--all", task.ContainerId, signal.ToString(CultureInfo.InvariantCulture) }
            : ["kill", task.ContainerId, signal.ToString(CultureInfo.InvariantCulture)];
        var result = await RunAsync(task, args, cancellationToken);
        if (result.ExitCode == 0)
            return;
        var message = result.Message;
        if (message.Contains("not running", StringComparison.Ordinal) || message.Contains("process already finished", StringComparison.Ordinal))
            return; // already stopped: nothing to signal
        throw Failure(task, "kill", message);
    }

    /// <summary><c>update --resources FILE</c>: the task's cgroup limits from an OCI LinuxResources document.</summary>
    public async Task UpdateAsync(TaskHandle task, string resourcesFile, CancellationToken cancellationToken) =>
        await RunOrThrowAsync(task, ["update", "--resources", resourcesFile, task.ContainerId], cancellationToken);

    public async Task PauseAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunOrThrowAsync(task, ["pause", task.ContainerId], cancellationToken);

    public async Task ResumeAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunOrThrowAsync(task, ["resume", task.ContainerId], cancellationToken);

    public async Task<IReadOnlyList<int>> ListPidsAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var result = await RunOrThrowAsync(task, ["ps", "--format", "json", task.ContainerId], cancellationToken);
        try
        {
            var pids = JsonSerializer.Deserialize<int[]>(result.Stdout) ?? [];
            Array.Sort(pids);
            return pids;
        }
        catch (JsonException e)
        {
            throw PlatformException.Internal($"the runtime's pid list is not a JSON array of numbers: {StateFiles.Shorten(result.Stdout)}", e);
        }
    }

    public async Task<RuntimeState> StateAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var result = await RunAsync(task, ["state", task.ContainerId], cancellationToken);
        if (result.ExitCode != 0)
        {
            if (IsMissing(result.Message))
                return RuntimeState.Missing;
            throw Failure(task, "state", result.Message);
        }
        var status = JsonNode.Parse(result.Stdout)?["status"]?.GetValue<string>();
        return status switch
        {
            "creating" or "created" => RuntimeState.Created,
            "running" => RuntimeState.Running,
            "paused" or "pausing" => RuntimeState.Paused,
            "stopped" => RuntimeState.Stopped,
            _ => throw PlatformException.Internal($"the runtime reports an unknown status '{status}' for {task.Namespace}/{task.ContainerId}"),
        };
    }

    /// <summary>
    /// <c>delete --force</c> with the runtime <paramref name="runtime"/> names (a container the runtime does not know
    /// is no error); nothing when no runtime is installed. Failures name <paramref name="task"/>.
    /// </summary>
    public async Task DeleteAsync(TaskHandle task, TaskHandle runtime, CancellationToken cancellationToken)
    {
        if (_runtimes.Count == 0)
            return;
        var result = await RunAsync(runtime, ["delete", "--force", task.ContainerId], cancellationToken);
        if (result.ExitCode != 0 && !IsMissing(result.Message))
            throw Failure(task, "delete", result.Message);
    }

    private sealed record Result(int ExitCode, string Stdout, string Message);

    private async Task<Result> RunAsync(TaskHandle task, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (runtime, binary) = ResolveForCleanup(task);
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(_layout.RuntimeRoot(runtime, task.Namespace));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;
        using var process = Process.Start(start) ?? throw PlatformException.Internal($"could not start {binary}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new Result(process.ExitCode, await stdout, RuntimeMessage(await stderr));
    }

    private async Task<Result> RunOrThrowAsync(TaskHandle task, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await RunAsync(task, args, cancellationToken);
        if (result.ExitCode != 0)
            throw Failure(task, args[0], result.Message);
        return result;
    }

    private static PlatformException Failure(TaskHandle task, string verb, string message) =>
        IsMissing(message)
            ? PlatformException.NotFound($"task {task.Namespace}/{task.ContainerId} is not known to the runtime: {message}")
            : message.Contains("not running", StringComparison.Ordinal) || message.Contains("not paused", StringComparison.Ordinal) ||
              message.Contains("paused", StringComparison.Ordinal) || message.Contains("stopped", StringComparison.Ordinal) ||
              message.Contains("cannot", StringComparison.Ordinal)
                ? PlatformException.FailedPrecondition($"{verb} {task.Namespace}/{task.ContainerId}: {message}")
                : PlatformException.Internal($"{verb} {task.Namespace}/{task.ContainerId}: {message}");

    private static bool IsMissing(string message) => message.Contains("does not exist", StringComparison.Ordinal);

    /// <summary>runc's stderr without the logrus decoration (<c>time="…" level=error msg="…"</c>).</summary>
    internal static string RuntimeMessage(string stderr)
    {
        var messages = new List<string>();
        foreach (var line in stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = LogrusMessage().Match(line);
            messages.Add(match.Success ? Regex.Unescape(match.Groups[1].Value) : line);
        }
        return string.Join("; ", messages);
    }

    [GeneratedRegex("""msg="((?:[^"\\]|\\.)*)"|msg=(\S+)""")]
    private static partial Regex LogrusMessage();
}
