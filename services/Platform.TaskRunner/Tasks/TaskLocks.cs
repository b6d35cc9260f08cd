using Platform.Hosting;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// One lock per task, held while the runner changes that task's runtime state and its record together (create,
/// start, exec, exit handling, cleanup). It orders an exit against the start that caused it, so TaskStarted is always
/// committed before TaskExited, and keeps two creates of one container from both reaching the runtime. Containers
/// never take it: deleting a container asks the runner, it never waits on a task. An entry lives only while someone
/// holds or waits for it.
/// </summary>
public sealed class TaskLocks : KeyedLocks<(string Namespace, string ContainerId)>
{
    public Task<IDisposable> LockAsync(string @namespace, string containerId, CancellationToken cancellationToken) =>
        LockAsync((@namespace, containerId), cancellationToken);
}
