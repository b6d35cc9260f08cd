using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Contracts.Resources;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime;

/// <summary>
/// <see cref="ITaskRuntime"/> with conmon as the monitor of every task process and runc (or crun) as the OCI runtime.
/// Layout under <see cref="RuntimeOptions.Root"/>:
/// <list type="bullet">
/// <item><c>state/&lt;ns&gt;/&lt;id&gt;/</c>: the task's <c>runtime</c> name, <c>init/</c> and <c>exec/&lt;execId&gt;/</c> monitor folders
/// (pid files, conmon's exit record under <c>persist/exit</c>, the runtime's JSON log).</item>
/// <item><c>bundles/&lt;ns&gt;/&lt;id&gt;/</c>: <c>config.json</c> and the <c>rootfs</c> mount point (kept apart from <c>state</c>
/// so the one file-system watcher over <c>state</c> never sees a container's files).</item>
/// <item><c>&lt;runtime&gt;/&lt;ns&gt;/</c>: the runtime's <c>--root</c>, one per namespace; the runtime's container id is the container id.</item>
/// <item><c>logs/&lt;ns&gt;/&lt;id&gt;/init.log</c> and <c>exec-&lt;execId&gt;.log</c>: output, kept until <see cref="RemoveLogs"/>.</item>
/// <item><c>s/</c>: conmon's attach sockets (short paths).</item>
/// </list>
/// The root and every folder and file made here are the runner's alone (0700, 0600: see <see cref="PrivateFiles"/>): a
/// bundle's config.json holds the task's environment. What conmon and runc write takes their own modes inside them.
/// </summary>
public sealed partial class ConmonRuntime : ITaskRuntime, IDisposable
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly RuntimeOptions _options;
    private readonly ILogger<ConmonRuntime> _logger;
    private readonly string _root;
    private readonly string? _conmon;
    private readonly IReadOnlyDictionary<string, string> _runtimes;
    private readonly Lock _watcherLock = new();
    // Creates under way per namespace: the namespace's parent cgroup is only removed when none is (see RemoveNamespaceCgroups).
    private readonly Dictionary<string, int> _creating = [];
    private readonly Lock _cgroupLock = new();
    private readonly HashSet<Waiter> _waiters = [];
    private FileSystemWatcher? _watcher;
    private bool _disposed;

    public ConmonRuntime(IOptions<RuntimeOptions> options, IOptions<StoreOptions> store, ILogger<ConmonRuntime> logger)
    {
        _options = options.Value;
        _logger = logger;
        _root = Path.GetFullPath(_options.Root ?? Path.Combine(store.Value.DataRoot, "tasks"));
        PrivateFiles.EnsureFolder(_root); // it may lie outside the data root, and an older version left it 0755
        _conmon = _options.Conmon ?? new[] { "/usr/bin/conmon", "/usr/libexec/podman/conmon" }.FirstOrDefault(File.Exists);
        var runtimes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (new[] { "/usr/sbin/runc", "/usr/bin/runc" }.FirstOrDefault(File.Exists) is { } runc)
            runtimes["runc"] = runc;
        if (File.Exists("/usr/bin/crun"))
            runtimes["crun"] = "/usr/bin/crun";
        foreach (var (name, path) in _options.Runtimes)
            runtimes[name] = path;
        _runtimes = runtimes.Where(r => File.Exists(r.Value)).ToDictionary(r => r.Key, r => r.Value);
        Installed = [.. _runtimes.Keys];
    }

    public IReadOnlyList<string> Installed { get; }

    /// <summary>The folder everything lives under.</summary>
    public string Root => _root;

    // ---- paths ------------------------------------------------------------------------------------------------

    private string StateDir => Path.Combine(_root, "state");
    private string TaskDir(string ns, string id) => Path.Combine(StateDir, ns, id);
    private string BundleDir(string ns, string id) => Path.Combine(_root, "bundles", ns, id);
    private string RuntimeRoot(string runtime, string ns) => Path.Combine(_root, runtime, ns);
    private string SocketDir => Path.Combine(_root, "s");

    private string ProcessDir(TaskHandle task, string? execId) =>
        execId is null ? Path.Combine(TaskDir(task.Namespace, task.ContainerId), "init") : Path.Combine(TaskDir(task.Namespace, task.ContainerId), "exec", execId);

    public string LogPath(string @namespace, string containerId, string? execId) =>
        Path.Combine(_root, "logs", @namespace, containerId, execId is null ? "init.log" : $"exec-{execId}.log");

    // ---- create -----------------------------------------------------------------------------------------------

    public async Task<int> CreateAsync(TaskLaunch launch, CancellationToken cancellationToken)
    {
        var task = launch.Task;
        // Names become folder names: the identifier rule keeps them to one path segment.
        Identifiers.Validate(task.Namespace, "namespace");
        Identifiers.Validate(task.ContainerId, "container id");
        var (runtime, binary) = ResolveRuntime(task.Runtime);
        var spec = ParseSpec(launch.SpecJson);
        var taskDir = TaskDir(task.Namespace, task.ContainerId);
        if (Directory.Exists(taskDir))
            throw PlatformException.FailedPrecondition($"task {task.Namespace}/{task.ContainerId} already has runtime state; clean it up first");
        if (launch.RootfsMounts is null)
            CheckRootPath(spec);
        try
        {
            PrivateFiles.CreateFolder(taskDir);
            await PrivateFiles.WriteAllTextAsync(Path.Combine(taskDir, "runtime"), runtime, cancellationToken);
            var bundle = PrivateFiles.CreateFolder(BundleDir(task.Namespace, task.ContainerId));
            if (launch.RootfsMounts is { } mounts)
            {
                var rootfs = Path.Combine(bundle, "rootfs");
                Directory.CreateDirectory(rootfs);
                MountRootfs(mounts, rootfs);
                var root = spec["root"] as JsonObject ?? [];
                root["path"] = "rootfs";
                spec["root"] = root;
            }
            SpecUser.Resolve(spec, RootfsOf(spec, bundle), $"{task.Namespace}/{task.ContainerId}");
            spec["process"]!["terminal"] = false;
            if (spec["linux"] is not JsonObject linux)
                spec["linux"] = linux = [];
            if (linux["cgroupsPath"] is null || linux["cgroupsPath"]!.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty((string?)linux["cgroupsPath"]))
                linux["cgroupsPath"] = $"/platform/{task.Namespace}/{task.ContainerId}";
            await PrivateFiles.WriteAllTextAsync(Path.Combine(bundle, "config.json"), spec.ToJsonString(), cancellationToken);

            var log = LogPath(task.Namespace, task.ContainerId, null);
            PrivateFiles.CreateFolder(Path.GetDirectoryName(log)!);
            File.Delete(log);
            PrivateFiles.CreateFile(log); // conmon appends to it; made here, it is 0600 rather than conmon's 0640
            lock (_cgroupLock)
                _creating[task.Namespace] = _creating.GetValueOrDefault(task.Namespace) + 1;
            try
            {
                return await LaunchMonitorAsync(task, runtime, binary, ProcessDir(task, null), log, [], cancellationToken);
            }
            finally
            {
                lock (_cgroupLock)
                {
                    if (--_creating[task.Namespace] == 0)
                        _creating.Remove(task.Namespace);
                }
            }
        }
        catch (Exception e)
        {
            try
            {
                await CleanupAsync(task, CancellationToken.None);
            }
            catch (Exception cleanup)
            {
                _logger.LogWarning(cleanup, "Cleaning up after the failed create of {Namespace}/{ContainerId} failed", task.Namespace, task.ContainerId);
            }
            if (e is PlatformException or OperationCanceledException)
                throw;
            throw PlatformException.Internal($"creating task {task.Namespace}/{task.ContainerId} failed: {e.Message}", e);
        }
    }

    private static JsonObject ParseSpec(string specJson)
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
            throw PlatformException.InvalidArgument($"spec is not a JSON object: {Shorten(specJson)}");
        if (spec["process"] is not JsonObject)
            throw PlatformException.InvalidArgument("spec has no process object (process.args, process.cwd, ...)");
        return spec;
    }

    /// <summary>The root filesystem's folder: <c>root.path</c>, relative to the bundle unless absolute.</summary>
    private static string RootfsOf(JsonObject spec, string bundle)
    {
        var path = spec["root"] is JsonObject root && root["path"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "rootfs";
        return Path.IsPathRooted(path) ? path : Path.Combine(bundle, path);
    }

    private static void CheckRootPath(JsonObject spec)
    {
        var path = spec["root"] is JsonObject root && root["path"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrEmpty(path))
            throw PlatformException.InvalidArgument("spec root.path is required when the container has no snapshot");
        if (!Path.IsPathRooted(path))
            throw PlatformException.InvalidArgument($"spec root.path '{path}' must be an absolute folder when the container has no snapshot");
        if (!Directory.Exists(path))
            throw PlatformException.InvalidArgument($"spec root.path '{path}' does not exist");
    }

    private (string Name, string Binary) ResolveRuntime(string name)
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
    private (string Name, string Binary) ResolveForCleanup(TaskHandle task)
    {
        try
        {
            return ResolveRuntime(task.Runtime);
        }
        catch (PlatformException) when (_runtimes.Count > 0)
        {
            var first = _runtimes.First();
            return (first.Key, first.Value);
        }
    }

    private static void MountRootfs(IReadOnlyList<Mount> mounts, string target)
    {
        foreach (var mount in mounts)
        {
            ulong flags = 0;
            var data = new List<string>();
            foreach (var option in mount.Options)
            {
                switch (option)
                {
                    case "ro": flags |= Native.MsRdonly; break;
                    case "rw": flags &= ~Native.MsRdonly; break;
                    case "bind": flags |= Native.MsBind; break;
                    case "rbind": flags |= Native.MsBind | Native.MsRec; break;
                    case "nosuid": flags |= Native.MsNosuid; break;
                    case "nodev": flags |= Native.MsNodev; break;
                    case "noexec": flags |= Native.MsNoexec; break;
                    case "sync": flags |= Native.MsSynchronous; break;
                    case "noatime": flags |= Native.MsNoatime; break;
                    case "nodiratime": flags |= Native.MsNodiratime; break;
                    case "relatime": flags |= Native.MsRelatime; break;
                    case "strictatime": flags |= Native.MsStrictatime; break;
                    default: data.Add(option); break;
                }
            }
            if (mount.Type == "bind")
                flags |= Native.MsBind;
            string? error;
            if ((flags & Native.MsBind) != 0)
            {
                error = Native.Mount(mount.Source, target, null, flags & (Native.MsBind | Native.MsRec), null);
                if (error is null && (flags & ~(Native.MsBind | Native.MsRec)) != 0)
                    error = Native.Mount("", target, null, (flags & ~Native.MsRec) | Native.MsRemount | Native.MsBind, null);
            }
            else
                error = Native.Mount(mount.Source, target, mount.Type, flags, data.Count == 0 ? null : string.Join(',', data));
            if (error is not null)
                throw PlatformException.InvalidArgument(
                    $"mounting the rootfs ({mount.Type} {mount.Source} {string.Join(',', mount.Options)}) failed: {error}");
        }
    }

    // ---- monitor ----------------------------------------------------------------------------------------------

    /// <summary>Starts conmon for one process and waits until the runtime wrote the process's pid (or failed).</summary>
    private async Task<int> LaunchMonitorAsync(TaskHandle task, string runtime, string binary, string dir, string log,
        IReadOnlyList<string> extraArgs, CancellationToken cancellationToken)
    {
        if (_conmon is null)
            throw PlatformException.FailedPrecondition("conmon is not installed here (looked for /usr/bin/conmon and /usr/libexec/podman/conmon)");
        PrivateFiles.CreateFolder(Path.Combine(dir, "exited"));
        PrivateFiles.CreateFolder(Path.Combine(dir, "persist"));
        PrivateFiles.CreateFolder(SocketDir);
        var runtimeRoot = PrivateFiles.CreateFolder(RuntimeRoot(runtime, task.Namespace));
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
                     "-r", binary, "-b", BundleDir(task.Namespace, task.ContainerId),
                     "-p", Path.Combine(dir, "pid"), "-P", Path.Combine(dir, "conmon.pid"),
                     "--exit-dir", Path.Combine(dir, "exited"), "--persist-dir", Path.Combine(dir, "persist"),
                     "-l", "k8s-file:" + log, "--log-size-max", _options.LogSizeMax.ToString(CultureInfo.InvariantCulture),
                     "--socket-dir-path", SocketDir,
                     "--runtime-arg", "--root=" + runtimeRoot,
                     "--runtime-arg", "--log=" + Path.Combine(dir, "runtime.log"),
                     "--runtime-arg", "--log-format=json",
                 ])
            start.ArgumentList.Add(arg);
        foreach (var arg in extraArgs)
            start.ArgumentList.Add(arg);
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;

        var deadline = DateTime.UtcNow + _options.CreateTimeout;
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
                throw PlatformException.Internal($"conmon failed (exit {launcher.ExitCode}): {Shorten(printed)}");
        }

        var started = DateTime.UtcNow;
        return await WaitAsync(dir, () =>
        {
            if (ReadInt(Path.Combine(dir, "pid")) is { } pid && (File.Exists(Path.Combine(dir, "conmon.pid")) || DateTime.UtcNow - started > TimeSpan.FromSeconds(2)))
                return (true, pid);
            if (RuntimeError(dir) is { } error)
                throw PlatformException.InvalidArgument(error);
            if (File.Exists(Path.Combine(dir, "conmon.pid")) && !MonitorAlive(dir))
            {
                if (ReadInt(Path.Combine(dir, "pid")) is { } late)
                    return (true, late);
                if (RuntimeError(dir) is { } lateError)
                    throw PlatformException.InvalidArgument(lateError);
                var monitorLog = ReadText(Path.Combine(dir, "monitor.log"));
                throw PlatformException.Internal($"the monitor exited before the process was created{(string.IsNullOrWhiteSpace(monitorLog) ? "" : ": " + Shorten(monitorLog))}");
            }
            if (DateTime.UtcNow > deadline)
                throw PlatformException.Internal($"the runtime did not create the process within {_options.CreateTimeout.TotalSeconds} s");
            return (false, 0);
        }, elapsed => elapsed < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromMilliseconds(20), cancellationToken);
    }

    /// <summary>The last error the runtime logged (its JSON log), or null.</summary>
    private static string? RuntimeError(string dir)
    {
        var text = ReadText(Path.Combine(dir, "runtime.log"));
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

    /// <summary>Whether the process's conmon (pid in <c>conmon.pid</c>) still runs.</summary>
    private static bool MonitorAlive(string dir)
    {
        if (ReadInt(Path.Combine(dir, "conmon.pid")) is not { } pid)
            return false;
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("conmon", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------

    public async Task StartAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunRuntimeOrThrowAsync(task, ["start", task.ContainerId], cancellationToken);

    public async Task KillAsync(TaskHandle task, int signal, bool all, CancellationToken cancellationToken)
    {
        var args = all
            ? new[] { "kill", "--all", task.ContainerId, signal.ToString(CultureInfo.InvariantCulture) }
            : ["kill", task.ContainerId, signal.ToString(CultureInfo.InvariantCulture)];
        var result = await RunRuntimeAsync(task, args, cancellationToken);
        if (result.ExitCode == 0)
            return;
        var message = result.Message;
        if (message.Contains("not running", StringComparison.Ordinal) || message.Contains("process already finished", StringComparison.Ordinal))
            return; // already stopped: nothing to signal
        throw Failure(task, "kill", message);
    }

    public async Task<int> ExecAsync(TaskHandle task, string execId, string processJson, CancellationToken cancellationToken)
    {
        Identifiers.Validate(execId, "exec id");
        var (runtime, binary) = ResolveForCleanup(task);
        var taskDir = TaskDir(task.Namespace, task.ContainerId);
        var bundle = BundleDir(task.Namespace, task.ContainerId);
        if (!Directory.Exists(taskDir) || !File.Exists(Path.Combine(bundle, "config.json")))
            throw PlatformException.NotFound($"task {task.Namespace}/{task.ContainerId} has no runtime state here");
        if (ReadExit(task, null) is not null)
            throw PlatformException.FailedPrecondition($"task {task.Namespace}/{task.ContainerId} has exited; nothing can run in it");
        JsonObject process;
        try
        {
            process = JsonNode.Parse(processJson) as JsonObject ?? throw PlatformException.InvalidArgument($"process is not a JSON object: {Shorten(processJson)}");
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"process is not a JSON object: {e.Message}");
        }
        if (process["args"] is not JsonArray args || args.Count == 0 || args.Any(a => a is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw PlatformException.InvalidArgument("process.args is required: a non-empty array of strings");
        var init = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "config.json"), cancellationToken))!["process"] as JsonObject;
        if (process["cwd"] is null)
            process["cwd"] = "/";
        foreach (var inherited in new[] { "env", "user", "capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "selinuxLabel", "oomScoreAdj" })
            if (process[inherited] is null && init?[inherited] is { } value)
                process[inherited] = value.DeepClone();
        process["user"] ??= new JsonObject { ["uid"] = 0, ["gid"] = 0 };
        process["terminal"] = false;

        var dir = ProcessDir(task, execId);
        if (Directory.Exists(dir))
            throw PlatformException.AlreadyExists($"exec '{execId}' already exists in task {task.Namespace}/{task.ContainerId}");
        PrivateFiles.CreateFolder(dir);
        try
        {
            var spec = Path.Combine(dir, "process.json");
            await PrivateFiles.WriteAllTextAsync(spec, process.ToJsonString(), cancellationToken);
            var log = LogPath(task.Namespace, task.ContainerId, execId);
            PrivateFiles.CreateFolder(Path.GetDirectoryName(log)!);
            File.Delete(log);
            PrivateFiles.CreateFile(log);
            return await LaunchMonitorAsync(task, runtime, binary, dir, log, ["--exec", "--exec-process-spec", spec], cancellationToken);
        }
        catch
        {
            TryDeleteTree(dir);
            throw;
        }
    }

    public Task KillExecAsync(TaskHandle task, string execId, int signal, CancellationToken cancellationToken)
    {
        var dir = ProcessDir(task, execId);
        if (!Directory.Exists(dir))
            throw PlatformException.NotFound($"exec '{execId}' of task {task.Namespace}/{task.ContainerId} has no runtime state here");
        if (ReadExit(task, execId) is not null)
            return Task.CompletedTask;
        if (ReadInt(Path.Combine(dir, "pid")) is { } pid)
            Native.Kill(pid, signal);
        return Task.CompletedTask;
    }

    public async Task PauseAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunRuntimeOrThrowAsync(task, ["pause", task.ContainerId], cancellationToken);

    public async Task ResumeAsync(TaskHandle task, CancellationToken cancellationToken) =>
        await RunRuntimeOrThrowAsync(task, ["resume", task.ContainerId], cancellationToken);

    public async Task<IReadOnlyList<int>> ListPidsAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var result = await RunRuntimeOrThrowAsync(task, ["ps", "--format", "json", task.ContainerId], cancellationToken);
        try
        {
            var pids = JsonSerializer.Deserialize<int[]>(result.Stdout) ?? [];
            Array.Sort(pids);
            return pids;
        }
        catch (JsonException e)
        {
            throw PlatformException.Internal($"the runtime's pid list is not a JSON array of numbers: {Shorten(result.Stdout)}", e);
        }
    }

    public async Task<RuntimeState> StateAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var result = await RunRuntimeAsync(task, ["state", task.ContainerId], cancellationToken);
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

    // ---- exits ------------------------------------------------------------------------------------------------

    public ProcessExit? ReadExit(TaskHandle task, string? execId)
    {
        var dir = ProcessDir(task, execId);
        if (ReadRecordedExit(dir) is { } recorded)
            return recorded;
        if (MonitorAlive(dir))
            return null;
        // The monitor is gone; it writes its record before it exits, so a record now is the real one.
        return ReadRecordedExit(dir) ?? new ProcessExit(null, DateTimeOffset.UtcNow);
    }

    private static ProcessExit? ReadRecordedExit(string dir)
    {
        var file = Path.Combine(dir, "persist", "exit");
        try
        {
            var text = File.ReadAllText(file).Trim();
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status))
                return null; // empty: being written
            if (status < 0)
                status = 128 - status; // a signal number reported as its negative
            return new ProcessExit(status, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<ProcessExit> WaitForExitAsync(TaskHandle task, string? execId, CancellationToken cancellationToken) =>
        await WaitAsync(ProcessDir(task, execId), () => ReadExit(task, execId) is { } exit ? (true, exit) : (false, null!), _ => _options.ExitPollInterval, cancellationToken);

    /// <summary>
    /// Re-evaluates <paramref name="check"/> whenever something changes under <paramref name="dir"/> (one shared
    /// file-system watcher over the state folder) and at least every <paramref name="interval"/>, until it gives a value.
    /// </summary>
    private async Task<T> WaitAsync<T>(string dir, Func<(bool Done, T Value)> check, Func<TimeSpan, TimeSpan> interval, CancellationToken cancellationToken)
    {
        if (check() is (true, var first))
            return first;
        var waiter = new Waiter(dir.TrimEnd('/') + "/");
        EnsureWatcher();
        lock (_watcherLock)
            _waiters.Add(waiter);
        try
        {
            var started = Stopwatch.StartNew();
            while (true)
            {
                var pulse = waiter.Next();
                if (check() is (true, var value))
                    return value;
                await Task.WhenAny(pulse, Task.Delay(interval(started.Elapsed), cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            lock (_watcherLock)
                _waiters.Remove(waiter);
        }
    }

    private void EnsureWatcher()
    {
        lock (_watcherLock)
        {
            if (_watcher is not null || _disposed)
                return;
            PrivateFiles.CreateFolder(StateDir);
            var watcher = new FileSystemWatcher(StateDir)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            watcher.Created += (_, e) => Pulse(e.FullPath);
            watcher.Changed += (_, e) => Pulse(e.FullPath);
            watcher.Renamed += (_, e) => Pulse(e.FullPath);
            watcher.Deleted += (_, e) => Pulse(e.FullPath);
            watcher.Error += (_, _) => Pulse(null);
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
    }

    private void Pulse(string? path)
    {
        Waiter[] waiters;
        lock (_watcherLock)
            waiters = [.. _waiters];
        foreach (var waiter in waiters)
            if (path is null || path.StartsWith(waiter.Prefix, StringComparison.Ordinal) || waiter.Prefix.StartsWith(path + "/", StringComparison.Ordinal))
                waiter.Signal();
    }

    /// <summary>One pending wait: <see cref="Next"/> gives a task that completes at the next change under its folder.</summary>
    private sealed class Waiter(string prefix)
    {
        private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Prefix { get; } = prefix;

        public Task Next()
        {
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _pulse, fresh);
            return fresh.Task;
        }

        public void Signal() => Volatile.Read(ref _pulse).TrySetResult();
    }

    // ---- cleanup ----------------------------------------------------------------------------------------------

    public async Task CleanupAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var taskDir = TaskDir(task.Namespace, task.ContainerId);
        var runtimeName = ReadText(Path.Combine(taskDir, "runtime"))?.Trim();
        var handle = string.IsNullOrEmpty(runtimeName) ? task : task with { Runtime = runtimeName };
        if (_runtimes.Count > 0)
        {
            var result = await RunRuntimeAsync(handle, ["delete", "--force", task.ContainerId], cancellationToken);
            if (result.ExitCode != 0 && !IsMissing(result.Message))
                throw Failure(task, "delete", result.Message);
        }

        // The monitors see their processes die and write their records; let them finish before their folders go.
        var monitors = Directory.Exists(taskDir)
            ? Directory.EnumerateFiles(taskDir, "conmon.pid", SearchOption.AllDirectories).Select(Path.GetDirectoryName).ToList()
            : [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (monitors.Any(m => MonitorAlive(m!)) && DateTime.UtcNow < deadline)
            await Task.Delay(10, cancellationToken);

        var bundle = BundleDir(task.Namespace, task.ContainerId);
        var rootfs = Path.Combine(bundle, "rootfs");
        for (var attempt = 0; attempt < 16 && Directory.Exists(rootfs) && Native.IsMountPoint(rootfs); attempt++)
            Native.Unmount(rootfs);
        if (Directory.Exists(rootfs) && Native.IsMountPoint(rootfs))
            throw PlatformException.Internal($"cannot unmount {rootfs}; the bundle stays until it can be");

        // conmon's attach socket folders, one per process.
        if (Directory.Exists(taskDir))
            foreach (var cuuidFile in Directory.EnumerateFiles(taskDir, "cuuid", SearchOption.AllDirectories))
                if (ReadText(cuuidFile)?.Trim() is { Length: > 0 } cuuid && !cuuid.Contains('/'))
                    TryDeleteTree(Path.Combine(SocketDir, cuuid));

        TryDeleteTree(bundle);
        TryDeleteTree(taskDir);
        TryDeleteEmpty(Path.GetDirectoryName(bundle)!);
        TryDeleteEmpty(Path.GetDirectoryName(taskDir)!);
        RemoveNamespaceCgroups(task.Namespace);
    }

    /// <summary>
    /// runc removes a container's cgroup but not the parent made for it (<c>/platform/{namespace}</c>, see the
    /// default cgroupsPath); remove that parent once it is empty. rmdir refuses a cgroup that still has children,
    /// so a namespace with other live tasks keeps it; and nothing is removed while a create in the namespace is under
    /// way, because runc makes the parent and then configures it (removing it in between fails that create).
    /// </summary>
    private void RemoveNamespaceCgroups(string @namespace)
    {
        if (!Directory.Exists("/sys/fs/cgroup"))
            return;
        lock (_cgroupLock)
        {
            if (!_creating.ContainsKey(@namespace))
                RemoveEmptyCgroups(@namespace);
        }
    }

    private static void RemoveEmptyCgroups(string @namespace)
    {
        foreach (var hierarchy in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var parent = Path.Combine(hierarchy, "platform", @namespace);
            try
            {
                if (Directory.Exists(parent))
                    Directory.Delete(parent);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // still in use, or not a cgroup hierarchy
            }
        }
    }

    public void RemoveLogs(string @namespace, string containerId)
    {
        var dir = Path.GetDirectoryName(LogPath(@namespace, containerId, null))!;
        TryDeleteTree(dir);
        TryDeleteEmpty(Path.GetDirectoryName(dir)!);
    }

    public IReadOnlyList<(string Namespace, string ContainerId, DateTimeOffset LastWritten)> ListLogs()
    {
        var logs = Path.Combine(_root, "logs");
        var found = new List<(string, string, DateTimeOffset)>();
        if (!Directory.Exists(logs))
            return found;
        foreach (var ns in Directory.EnumerateDirectories(logs))
        foreach (var container in Directory.EnumerateDirectories(ns))
        {
            var newest = Directory.EnumerateFiles(container).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(Directory.GetLastWriteTimeUtc(container)).Max();
            found.Add((Path.GetFileName(ns), Path.GetFileName(container), new DateTimeOffset(newest, TimeSpan.Zero)));
        }
        return found;
    }

    public IReadOnlyList<TaskHandle> ListOnDisk()
    {
        var found = new SortedDictionary<(string, string), string>();
        foreach (var (ns, id) in TwoLevels(StateDir))
            found[(ns, id)] = ReadText(Path.Combine(StateDir, ns, id, "runtime"))?.Trim() is { Length: > 0 } name ? name : "runc";
        foreach (var (ns, id) in TwoLevels(Path.Combine(_root, "bundles")))
            found.TryAdd((ns, id), "runc");
        return [.. found.Select(f => new TaskHandle(f.Key.Item1, f.Key.Item2, f.Value))];

        static IEnumerable<(string, string)> TwoLevels(string dir)
        {
            if (!Directory.Exists(dir))
                yield break;
            foreach (var ns in Directory.EnumerateDirectories(dir))
            foreach (var id in Directory.EnumerateDirectories(ns))
                yield return (Path.GetFileName(ns), Path.GetFileName(id));
        }
    }

    // ---- running the runtime ----------------------------------------------------------------------------------

    private sealed record RuntimeResult(int ExitCode, string Stdout, string Message);

    private async Task<RuntimeResult> RunRuntimeAsync(TaskHandle task, IReadOnlyList<string> args, CancellationToken cancellationToken)
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
        start.ArgumentList.Add(RuntimeRoot(runtime, task.Namespace));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;
        using var process = Process.Start(start) ?? throw PlatformException.Internal($"could not start {binary}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new RuntimeResult(process.ExitCode, await stdout, RuntimeMessage(await stderr));
    }

    private async Task<RuntimeResult> RunRuntimeOrThrowAsync(TaskHandle task, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await RunRuntimeAsync(task, args, cancellationToken);
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

    // ---- small helpers ----------------------------------------------------------------------------------------

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static int? ReadInt(string path) =>
        int.TryParse(ReadText(path)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";

    private static void TryDeleteTree(string dir)
    {
        for (var attempt = 1; Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(20); // a monitor wrote into it meanwhile
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
        }
    }

    private static void TryDeleteEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
        }
        catch (IOException)
        {
            // another task's folder appeared meanwhile
        }
    }

    public void Dispose()
    {
        lock (_watcherLock)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
        }
    }
}
