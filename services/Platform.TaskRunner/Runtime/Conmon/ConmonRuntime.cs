using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Networks.Cni;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// <see cref="ITaskRuntime"/> with conmon as the monitor of every task process and runc (or crun) as the OCI runtime:
/// a facade over one room per job (<see cref="OciBundle"/>, <see cref="ConmonLauncher"/>, <see cref="ExitRecords"/> and
/// the <see cref="StateWatcher"/>, <see cref="RuncCommand"/>, <see cref="TaskCleanup"/> with <see cref="NamespaceCgroups"/>,
/// <see cref="TaskLogFiles"/>). Layout under <see cref="RuntimeOptions.Root"/> (<see cref="ConmonLayout"/>):
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
public sealed class ConmonRuntime : ITaskRuntime, IDisposable
{
    private readonly ILogger<ConmonRuntime> _logger;
    private readonly ConmonLayout _layout;
    private readonly StateWatcher _watcher;
    private readonly RuncCommand _runc;
    private readonly OciBundle _bundle;
    private readonly ConmonLauncher _launcher;
    private readonly ExitRecords _exits;
    private readonly NamespaceCgroups _cgroups = new();
    private readonly TaskCleanup _cleanup;
    private readonly TaskLogFiles _logs;
    private readonly CgroupOom _oom;
    private readonly BundleResources _resources;
    private readonly ExecRemoval _execRemoval;
    private readonly TaskNetworks _networks;

    public ConmonRuntime(IOptions<RuntimeOptions> options, IOptions<StoreOptions> store, ILogger<ConmonRuntime> logger, TimeProvider clock, TaskNetworks networks)
    {
        _networks = networks;
        _logger = logger;
        var root = Path.GetFullPath(options.Value.Root ?? Path.Combine(store.Value.DataRoot, "tasks"));
        PrivateFiles.EnsureFolder(root); // it may lie outside the data root, and an older version left it 0755
        _layout = new ConmonLayout(root);
        _watcher = new StateWatcher(_layout.StateDir, clock);
        _runc = new RuncCommand(options.Value, _layout);
        _bundle = new OciBundle(_layout);
        _launcher = new ConmonLauncher(_layout, _watcher, options.Value, clock);
        _exits = new ExitRecords(_layout, _watcher, options.Value, clock);
        _cleanup = new TaskCleanup(_layout, _runc, _bundle, _cgroups, networks, clock);
        _logs = new TaskLogFiles(_layout);
        _oom = new CgroupOom(_layout);
        _resources = new BundleResources(_layout, _runc);
        _execRemoval = new ExecRemoval(_layout, _exits);
    }

    public IReadOnlyList<string> Installed => _runc.Installed;

    public string? CgroupPath(TaskHandle task) => _oom.CgroupsPath(task);

    /// <summary>The folder everything lives under.</summary>
    public string Root => _layout.Root;

    public async Task<int> CreateAsync(TaskLaunch launch, CancellationToken cancellationToken)
    {
        var task = launch.Task;
        // Names become folder names: the identifier rule keeps them to one path segment.
        Identifiers.Validate(task.Namespace, "namespace");
        Identifiers.Validate(task.ContainerId, "container id");
        var (runtime, binary) = _runc.Resolve(task.Runtime);
        var spec = OciBundle.ParseSpec(launch.SpecJson);
        var taskDir = _layout.TaskDir(task.Namespace, task.ContainerId);
        if (Directory.Exists(taskDir))
            throw PlatformException.FailedPrecondition($"task {task.Namespace}/{task.ContainerId} already has runtime state; clean it up first");
        if (launch.RootfsMounts is null)
            OciBundle.CheckRootPath(spec);
        try
        {
            PrivateFiles.CreateFolder(taskDir);
            await PrivateFiles.WriteAllTextAsync(_layout.RuntimeNameFile(task.Namespace, task.ContainerId), runtime, cancellationToken);
            await _networks.AttachAsync(task, launch.Network, spec, cancellationToken);
            await _bundle.WriteAsync(task, spec, launch.RootfsMounts, cancellationToken);
            var log = _logs.Prepare(task.Namespace, task.ContainerId, null);
            var console = new ProcessConsole(OciBundle.WantsTerminal(spec["process"]!.AsObject()), OciBundle.WantsStdin(spec));
            var dir = PrivateFiles.CreateFolder(_layout.ProcessDir(task, null));
            await ConmonConsoles.RecordAsync(dir, console, cancellationToken);
            using (_cgroups.Creating(task.Namespace))
                return await _launcher.LaunchAsync(task, runtime, binary, dir, log, ConmonConsoles.Args(console), cancellationToken);
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

    public Task StartAsync(TaskHandle task, CancellationToken cancellationToken) => _runc.StartAsync(task, cancellationToken);

    public Task KillAsync(TaskHandle task, int signal, bool all, CancellationToken cancellationToken) => _runc.KillAsync(task, signal, all, cancellationToken);

    public Task<int> ExecAsync(TaskHandle task, string execId, string processJson, CancellationToken cancellationToken) =>
        ExecAsync(task, execId, processJson, stdin: false, cancellationToken);

    public async Task<int> ExecAsync(TaskHandle task, string execId, string processJson, bool stdin, CancellationToken cancellationToken)
    {
        Identifiers.Validate(execId, "exec id");
        var (runtime, binary) = _runc.ResolveForCleanup(task);
        if (!Directory.Exists(_layout.TaskDir(task.Namespace, task.ContainerId)) || !_bundle.Exists(task))
            throw PlatformException.NotFound($"task {task.Namespace}/{task.ContainerId} has no runtime state here");
        if (ReadExit(task, null) is not null)
            throw PlatformException.FailedPrecondition($"task {task.Namespace}/{task.ContainerId} has exited; nothing can run in it");
        var process = await _bundle.ExecProcessAsync(task, processJson, cancellationToken);

        var dir = _layout.ProcessDir(task, execId);
        if (Directory.Exists(dir))
            throw PlatformException.AlreadyExists($"exec '{execId}' already exists in task {task.Namespace}/{task.ContainerId}");
        PrivateFiles.CreateFolder(dir);
        try
        {
            var spec = Path.Combine(dir, "process.json");
            await PrivateFiles.WriteAllTextAsync(spec, process.ToJsonString(), cancellationToken);
            var log = _logs.Prepare(task.Namespace, task.ContainerId, execId);
            var console = new ProcessConsole(OciBundle.WantsTerminal(process), stdin);
            await ConmonConsoles.RecordAsync(dir, console, cancellationToken);
            return await _launcher.LaunchAsync(task, runtime, binary, dir, log, ["--exec", "--exec-process-spec", spec, .. ConmonConsoles.Args(console)],
                cancellationToken, bundle: dir);
        }
        catch
        {
            StateFiles.TryDeleteTree(dir);
            throw;
        }
    }

    public Task KillExecAsync(TaskHandle task, string execId, int signal, CancellationToken cancellationToken)
    {
        var dir = _layout.ProcessDir(task, execId);
        if (!Directory.Exists(dir))
            throw PlatformException.NotFound($"exec '{execId}' of task {task.Namespace}/{task.ContainerId} has no runtime state here");
        if (ReadExit(task, execId) is not null)
            return Task.CompletedTask;
        if (StateFiles.ReadInt(Path.Combine(dir, "pid")) is { } pid)
            Native.Kill(pid, signal);
        return Task.CompletedTask;
    }

    public Task RemoveExecAsync(TaskHandle task, string execId, CancellationToken cancellationToken) => _execRemoval.RemoveAsync(task, execId, cancellationToken);

    public Task PauseAsync(TaskHandle task, CancellationToken cancellationToken) => _runc.PauseAsync(task, cancellationToken);

    public Task UpdateResourcesAsync(TaskHandle task, Platform.Contracts.Tasks.TaskResources change, CancellationToken cancellationToken) =>
        _resources.UpdateAsync(task, change, cancellationToken);

    public Platform.Contracts.Tasks.TaskResources? ReadResources(TaskHandle task) => _resources.Read(task);

    public Task ResumeAsync(TaskHandle task, CancellationToken cancellationToken) => _runc.ResumeAsync(task, cancellationToken);

    public Task<IReadOnlyList<int>> ListPidsAsync(TaskHandle task, CancellationToken cancellationToken) => _runc.ListPidsAsync(task, cancellationToken);

    public Task<RuntimeState> StateAsync(TaskHandle task, CancellationToken cancellationToken) => _runc.StateAsync(task, cancellationToken);

    // The init process's exit says whether the OOM killer struck: the task's cgroup counts it until cleanup removes it.
    public ProcessExit? ReadExit(TaskHandle task, string? execId)
    {
        var exit = _exits.Read(task, execId);
        return exit is not null && execId is null ? _oom.Annotate(task, exit) : exit;
    }

    public async Task<ProcessExit> WaitForExitAsync(TaskHandle task, string? execId, CancellationToken cancellationToken)
    {
        var exit = await _exits.WaitAsync(task, execId, cancellationToken);
        return execId is null ? _oom.Annotate(task, exit) : exit;
    }

    public Task CleanupAsync(TaskHandle task, CancellationToken cancellationToken) => _cleanup.CleanupAsync(task, cancellationToken);

    public string LogPath(string @namespace, string containerId, string? execId) => _logs.PathOf(@namespace, containerId, execId);

    public void RemoveLogs(string @namespace, string containerId) => _logs.Remove(@namespace, containerId);

    public IReadOnlyList<(string Namespace, string ContainerId, DateTimeOffset LastWritten)> ListLogs() => _logs.List();

    public IReadOnlyList<TaskHandle> ListOnDisk() => _cleanup.ListOnDisk();

    public void Dispose() => _watcher.Dispose();
}
