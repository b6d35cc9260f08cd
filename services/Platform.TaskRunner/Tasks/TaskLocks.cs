namespace Platform.TaskRunner.Tasks;

/// <summary>
/// One lock per task, held while the runner changes that task's runtime state and its record together (create,
/// start, exec, exit handling, cleanup). It orders an exit against the start that caused it, so TaskStarted is always
/// committed before TaskExited, and keeps two creates of one container from both reaching the runtime. Containers
/// never take it: deleting a container asks the runner, it never waits on a task. An entry lives only while someone
/// holds or waits for it.
/// </summary>
public sealed class TaskLocks
{
    private readonly Dictionary<(string, string), Entry> _entries = [];
    private readonly Lock _sync = new();

    public int Count
    {
        get
        {
            lock (_sync)
                return _entries.Count;
        }
    }

    public async Task<IDisposable> LockAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var key = (@namespace, containerId);
        Entry entry;
        lock (_sync)
        {
            if (!_entries.TryGetValue(key, out entry!))
                _entries[key] = entry = new Entry();
            entry.Users++;
        }
        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(key, entry);
            throw;
        }
        return new Releaser(this, key, entry);
    }

    private void Leave((string, string) key, Entry entry)
    {
        lock (_sync)
        {
            if (--entry.Users == 0)
                _entries.Remove(key);
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(TaskLocks owner, (string, string) key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            entry.Gate.Release();
            owner.Leave(key, entry);
        }
    }
}
