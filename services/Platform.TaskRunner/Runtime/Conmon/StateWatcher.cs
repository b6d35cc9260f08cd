using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// One file-system watcher over the state folder, shared by every wait for something a monitor or the runtime writes
/// there (a pid file, an exit record). A wait re-evaluates its check on any change under its process's folder and,
/// as a fallback for missed notifications, on a timer.
/// </summary>
internal sealed class StateWatcher(string stateDir, TimeProvider clock) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<Waiter> _waiters = [];
    private FileSystemWatcher? _watcher;
    private bool _disposed;

    /// <summary>
    /// Re-evaluates <paramref name="check"/> whenever something changes under <paramref name="dir"/> and at least every
    /// <paramref name="interval"/> (given the time waited so far), until it gives a value. What it throws ends the wait.
    /// </summary>
    public async Task<T> WaitAsync<T>(string dir, Func<(bool Done, T Value)> check, Func<TimeSpan, TimeSpan> interval, CancellationToken cancellationToken)
    {
        if (check() is (true, var first))
            return first;
        var waiter = new Waiter(dir.TrimEnd('/') + "/");
        EnsureWatcher();
        lock (_lock)
            _waiters.Add(waiter);
        try
        {
            var started = clock.GetTimestamp();
            while (true)
            {
                var pulse = waiter.Next();
                if (check() is (true, var value))
                    return value;
                await Task.WhenAny(pulse, Task.Delay(interval(clock.GetElapsedTime(started)), clock, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            lock (_lock)
                _waiters.Remove(waiter);
        }
    }

    private void EnsureWatcher()
    {
        lock (_lock)
        {
            if (_watcher is not null || _disposed)
                return;
            PrivateFiles.CreateFolder(stateDir);
            var watcher = new FileSystemWatcher(stateDir)
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
        lock (_lock)
            waiters = [.. _waiters];
        foreach (var waiter in waiters)
            if (path is null || path.StartsWith(waiter.Prefix, StringComparison.Ordinal) || waiter.Prefix.StartsWith(path + "/", StringComparison.Ordinal))
                waiter.Signal();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
        }
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
}
