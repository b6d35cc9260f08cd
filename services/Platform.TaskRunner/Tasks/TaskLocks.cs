using System.Collections.Concurrent;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// One lock per task, held while the runner changes that task's runtime state and its record together (create,
/// start, exec, exit handling, cleanup). It orders an exit against the start that caused it, so TaskStarted is always
/// committed before TaskExited, and keeps two creates of one container from both reaching the runtime. Containers
/// never take it: deleting a container asks the runner, it never waits on a task.
/// </summary>
public sealed class TaskLocks
{
    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _locks = new();

    public async Task<IDisposable> LockAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd((@namespace, containerId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }
}
