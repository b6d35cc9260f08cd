using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Common.Errors;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Starts conmon for one process (the init process, which conmon has the runtime create, or an exec process) and waits
/// until the runtime wrote the process's pid, or failed. conmon then stays the process's parent: it keeps its output in
/// the log file and records its exit in the process's monitor folder (<see cref="ExitRecords"/>).
/// </summary>
internal sealed class ConmonLauncher(ConmonLayout layout, StateWatcher watcher, RuntimeOptions options, TimeProvider clock)
{
    private readonly string? _conmon = options.Conmon ?? new[] { "/usr/bin/conmon", "/usr/libexec/podman/conmon" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Launches the monitor for the process whose monitor folder is <paramref name="dir"/>, writing its output to
    /// <paramref name="log"/>, and returns its pid. <paramref name="extraArgs"/> go to conmon (an exec's
    /// <c>--exec --exec-process-spec</c>, the console's <c>-t</c> and <c>-i</c>). <paramref name="bundle"/> is conmon's
    /// <c>-b</c>: where it makes its attach socket and its <c>ctl</c>/<c>winsz</c> fifos; the task's bundle when null (the
    /// init process). InvalidArgument with the runtime's own message when it refuses the process.
    /// </summary>
    public async Task<int> LaunchAsync(TaskHandle task, string runtime, string binary, string dir, string log,
        IReadOnlyList<string> extraArgs, CancellationToken cancellationToken, string? bundle = null)
    {
        if (_conmon is null)
            throw PlatformException.FailedPrecondition("conmon is not installed here (looked for /usr/bin/conmon and /usr/libexec/podman/conmon)");
        PrivateFiles.CreateFolder(Path.Combine(dir, "exited"));
        PrivateFiles.CreateFolder(Path.Combine(dir, "persist"));
        PrivateFiles.CreateFolder(layout.SocketDir);
        var runtimeRoot = PrivateFiles.CreateFolder(layout.RuntimeRoot(runtime, task.Namespace));
        var cuuid = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
        await PrivateFiles.WriteAllTextAsync(Path.Combine(dir, "cuuid"), cuuid, cancellationToken);

        // conmon daemonizes by itself: it forks, the child starts its own session (so signals to the runner's
        // process group never reach it) and points its stdio at /dev/null, and the parent exits. So it is started
        // directly (no shell, no setsid: each extra process costs ~2 ms here), and what the parent printed before
        // exiting is kept in monitor.log for error messages.
        Native.CloseInheritedOnExec(); // the monitor outlives this call by far: it must not hold our parent's descriptors
        var start = new ProcessStartInfo(_conmon)
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in (string[])[
                     _conmon,
                     "-c", task.ContainerId, "-u", cuuid, "-n", $"{task.Namespace}/{task.ContainerId}",
                     "-r", binary, "-b", bundle ?? layout.BundleDir(task.Namespace, task.ContainerId),
                     "-p", Path.Combine(dir, "pid"), "-P", Path.Combine(dir, "conmon.pid"),
                     "--exit-dir", Path.Combine(dir, "exited"), "--persist-dir", Path.Combine(dir, "persist"),
                     "-l", "k8s-file:" + log, "--log-size-max", options.LogSizeMax.ToString(CultureInfo.InvariantCulture),
                     "--socket-dir-path", layout.SocketDir,
                     "--runtime-arg", "--root=" + runtimeRoot,
                     "--runtime-arg", "--log=" + Path.Combine(dir, "runtime.log"),
                     "--runtime-arg", "--log-format=json",
                 ])
            start.ArgumentList.Add(arg);
        foreach (var arg in extraArgs)
            start.ArgumentList.Add(arg);
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : RuncCommand.DefaultPath;

        var deadline = clock.GetUtcNow() + options.CreateTimeout;
        using (var launcher = Process.Start(start) ?? throw PlatformException.Internal("could not start conmon"))
        {
            launcher.StandardInput.Close();
            var output = launcher.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = launcher.StandardError.ReadToEndAsync(cancellationToken);
            await launcher.WaitForExitAsync(cancellationToken);
            var printed = (await output + await errors).Trim();
            if (printed.Length > 0)
                await PrivateFiles.AppendAllTextAsync(Path.Combine(dir, "monitor.log"), printed + "\n", CancellationToken.None);
            if (launcher.ExitCode != 0)
                throw PlatformException.Internal($"conmon failed (exit {launcher.ExitCode}): {StateFiles.Shorten(printed)}");
        }

        var started = clock.GetUtcNow();
        return await watcher.WaitAsync(dir, () =>
        {
            if (StateFiles.ReadInt(Path.Combine(dir, "pid")) is { } pid && (File.Exists(Path.Combine(dir, "conmon.pid")) || clock.GetUtcNow() - started > TimeSpan.FromSeconds(2)))
                return (true, pid);
            if (RuntimeError(dir) is { } error)
                throw PlatformException.InvalidArgument(error);
            if (File.Exists(Path.Combine(dir, "conmon.pid")) && !ExitRecords.MonitorAlive(dir))
            {
                if (StateFiles.ReadInt(Path.Combine(dir, "pid")) is { } late)
                    return (true, late);
                if (RuntimeError(dir) is { } lateError)
                    throw PlatformException.InvalidArgument(lateError);
                var monitorLog = StateFiles.ReadText(Path.Combine(dir, "monitor.log"));
                throw PlatformException.Internal($"the monitor exited before the process was created{(string.IsNullOrWhiteSpace(monitorLog) ? "" : ": " + StateFiles.Shorten(monitorLog))}");
            }
            if (clock.GetUtcNow() > deadline)
                throw PlatformException.Internal($"the runtime did not create the process within {options.CreateTimeout.TotalSeconds} s");
            return (false, 0);
        }, elapsed => elapsed < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromMilliseconds(20), cancellationToken);
    }

    /// <summary>The last error the runtime logged (its JSON log), or null.</summary>
    private static string? RuntimeError(string dir)
    {
        var text = StateFiles.ReadText(Path.Combine(dir, "runtime.log"));
        if (string.IsNullOrEmpty(text))
            return null;
        string? error = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject entry && (string?)entry["level"] is "error" or "fatal")
                    error = (string?)entry["msg"] ?? line;
            }
            catch (JsonException)
            {
                // a line being written
            }
        }
        return error;
    }
}
