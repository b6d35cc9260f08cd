namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Where everything lives under the runtime's root (see <see cref="ConmonRuntime"/> for the layout and why it is so).
/// Namespace and container id become folder names: callers validate them as identifiers first.
/// </summary>
internal sealed class ConmonLayout(string root)
{
    public string Root { get; } = root;

    /// <summary>Monitor state of every task: the one folder the <see cref="StateWatcher"/> watches.</summary>
    public string StateDir => Path.Combine(Root, "state");

    public string BundlesDir => Path.Combine(Root, "bundles");

    public string LogsDir => Path.Combine(Root, "logs");

    /// <summary>conmon's attach sockets, one folder per process (short paths: a socket path must stay under 108 characters).</summary>
    public string SocketDir => Path.Combine(Root, "s");

    public string TaskDir(string ns, string id) => Path.Combine(StateDir, ns, id);

    /// <summary>The file in the task's state folder that names its runtime (<c>runc</c>, <c>crun</c>).</summary>
    public string RuntimeNameFile(string ns, string id) => Path.Combine(TaskDir(ns, id), "runtime");

    public string BundleDir(string ns, string id) => Path.Combine(BundlesDir, ns, id);

    /// <summary>The bundle's <c>config.json</c>: the spec runc was given, kept current by <c>tasks update</c>.</summary>
    public string ConfigFile(TaskHandle task) => Path.Combine(BundleDir(task.Namespace, task.ContainerId), "config.json");

    /// <summary>The runtime's <c>--root</c>, one per runtime and namespace.</summary>
    public string RuntimeRoot(string runtime, string ns) => Path.Combine(Root, runtime, ns);

    /// <summary>The monitor folder of the init process (<paramref name="execId"/> null) or of an exec process.</summary>
    public string ProcessDir(TaskHandle task, string? execId) =>
        execId is null ? Path.Combine(TaskDir(task.Namespace, task.ContainerId), "init") : Path.Combine(TaskDir(task.Namespace, task.ContainerId), "exec", execId);

    public string LogPath(string ns, string containerId, string? execId) =>
        Path.Combine(LogsDir, ns, containerId, execId is null ? "init.log" : $"exec-{execId}.log");
}
