using Platform.Contracts.Resources;

namespace Platform.TaskRunner.Runtime;

/// <summary>Which task (or task process) a runtime call is about. The runtime name picks runc or crun.</summary>
public sealed record TaskHandle(string Namespace, string ContainerId, string Runtime);

/// <summary>What the runner hands the runtime to create a task.</summary>
/// <param name="SpecJson">The container's OCI runtime spec, verbatim from the metadata service.</param>
/// <param name="RootfsMounts">
/// The mounts of the task's rootfs snapshot (from the resource GC service), mounted by the runtime onto the bundle's
/// <c>rootfs</c> folder; null when the container has no snapshot and the spec's <c>root.path</c> is an absolute folder.
/// </param>
public sealed record TaskLaunch(TaskHandle Task, string SpecJson, IReadOnlyList<Mount>? RootfsMounts)
{
    /// <summary>The task's network namespace: null or <c>none</c> is the spec's own (loopback only).</summary>
    public Platform.TaskRunner.Networks.Cni.TaskNetwork? Network { get; init; }
}

/// <summary>How a process ended, as its monitor recorded it.</summary>
/// <param name="ExitStatus">Exit code, or 128 + signal number; null when it can't be known (the monitor died without recording it).</param>
/// <param name="OomKilled">The init process's exit only: the cgroup's OOM killer killed a process of the task.</param>
public sealed record ProcessExit(int? ExitStatus, DateTimeOffset ExitedAt, bool OomKilled = false);

/// <summary>What the runtime says about a container.</summary>
public enum RuntimeState
{
    /// <summary>The runtime knows no such container.</summary>
    Missing,
    Created,
    Running,
    Paused,
    Stopped,
}

/// <summary>
/// Runs tasks with an OCI runtime (runc; crun when installed) under a monitor process per task process (conmon).
/// The monitor is the parent of the container process, keeps its stdout/stderr in a log file and records its exit
/// status on disk, so an exit is known even when the runner was down when it happened. Everything lives under
/// <c>{DataRoot}/tasks</c>; the runner's own restarts leave tasks and monitors running.
/// Expected failures are <see cref="Platform.Common.Errors.PlatformException"/>s whose message a person can act on.
/// </summary>
public interface ITaskRuntime
{
    /// <summary>The runtime names installed on this machine (<c>runc</c>, and <c>crun</c> when present).</summary>
    IReadOnlyList<string> Installed { get; }

    /// <summary>
    /// Writes the bundle (spec + mounted rootfs), starts the monitor, which runs the runtime's <c>create</c>, and returns
    /// the init pid once the container exists (the process waits for <see cref="StartAsync"/>). InvalidArgument for an
    /// unknown runtime name (naming the installed ones), a spec that is not an OCI spec object, or a spec the runtime
    /// refuses (with the runtime's own message). Leaves nothing behind when it fails.
    /// </summary>
    Task<int> CreateAsync(TaskLaunch launch, CancellationToken cancellationToken);

    /// <summary>Starts the created init process.</summary>
    Task StartAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>Signals the init process, or every process of the container with <paramref name="all"/>.</summary>
    Task KillAsync(TaskHandle task, int signal, bool all, CancellationToken cancellationToken);

    /// <summary>
    /// Runs an extra process (OCI process JSON: args required; cwd defaults to <c>/</c>, env to the init process's) in the
    /// running container under its own monitor, log and exit record, started at once; returns its pid.
    /// InvalidArgument for a malformed process or one the runtime refuses (its message).
    /// </summary>
    Task<int> ExecAsync(TaskHandle task, string execId, string processJson, CancellationToken cancellationToken);

    /// <summary>As <see cref="ExecAsync(TaskHandle, string, string, CancellationToken)"/>; with <paramref name="stdin"/> the
    /// process's stdin stays open for writes (<see cref="ITaskConsoles"/>). A terminal is the process's <c>terminal: true</c>.</summary>
    Task<int> ExecAsync(TaskHandle task, string execId, string processJson, bool stdin, CancellationToken cancellationToken);

    /// <summary>Signals one exec process.</summary>
    Task KillExecAsync(TaskHandle task, string execId, int signal, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a runner-internal exec process (a health probe) and removes every trace of it: SIGKILL to it and every process
    /// it started if it still runs, then its monitor state and log. Idempotent; nothing to do when it never existed.
    /// </summary>
    Task RemoveExecAsync(TaskHandle task, string execId, CancellationToken cancellationToken);

    Task PauseAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>
    /// Changes the cgroup limits of a live task (<c>runc update</c>); members of <paramref name="change"/> left null
    /// stay. The runtime's refusal is its message (InvalidArgument or FailedPrecondition).
    /// </summary>
    Task UpdateResourcesAsync(TaskHandle task, Platform.Contracts.Tasks.TaskResources change, CancellationToken cancellationToken);

    /// <summary>The cgroup limits the task runs with, as its bundle says; null when it has no bundle here.</summary>
    Platform.Contracts.Tasks.TaskResources? ReadResources(TaskHandle task);

    Task ResumeAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>The task's cgroupfs path as its bundle gave it to the runtime (<c>/platform/ns/id</c>); null when it has none here.</summary>
    string? CgroupPath(TaskHandle task);

    /// <summary>Host pids of every process in the container, ascending.</summary>
    Task<IReadOnlyList<int>> ListPidsAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>The runtime's view of the container.</summary>
    Task<RuntimeState> StateAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>
    /// The recorded exit of the init process (<paramref name="execId"/> null) or an exec process; null while it runs.
    /// When the process's monitor is gone without a record (killed, machine crash), the exit is returned with a null
    /// status, never a made-up one.
    /// </summary>
    ProcessExit? ReadExit(TaskHandle task, string? execId);

    /// <summary>
    /// Completes when the process has exited (see <see cref="ReadExit"/>): at once if it already has. Notices exits
    /// within milliseconds (file-system notification) and, as a fallback, by polling.
    /// </summary>
    Task<ProcessExit> WaitForExitAsync(TaskHandle task, string? execId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the task from the runtime (force-deleting a container that still exists), unmounts the rootfs and
    /// removes the bundle and the monitors' state. Keeps the logs. Idempotent; safe on half-created tasks.
    /// </summary>
    Task CleanupAsync(TaskHandle task, CancellationToken cancellationToken);

    /// <summary>The log file of the init process or an exec process (it may not exist).</summary>
    string LogPath(string @namespace, string containerId, string? execId);

    /// <summary>Removes a container's logs.</summary>
    void RemoveLogs(string @namespace, string containerId);

    /// <summary>Every container that has logs, with when any of them was last written.</summary>
    IReadOnlyList<(string Namespace, string ContainerId, DateTimeOffset LastWritten)> ListLogs();

    /// <summary>Every task the runtime holds state for on disk (bundles and monitor folders), for reconciliation.</summary>
    IReadOnlyList<TaskHandle> ListOnDisk();
}
