using System.Collections.Concurrent;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// The processes whose exits <see cref="ExitWatch"/> waits for, each with the token that ends its wait. Apart from the
/// watch so that removing a task (<see cref="TaskRemoval"/>) can end its watches without depending on the watch, which
/// reports to <see cref="TaskExits"/>, which removes tasks.
/// </summary>
public sealed class WatchedProcesses
{
    private readonly ConcurrentDictionary<(string, string, string), CancellationTokenSource> _watching = new();

    /// <summary>How many processes are watched (for tests).</summary>
    public int Count => _watching.Count;

    /// <summary>Registers a watch; false when the process already has one.</summary>
    internal bool TryAdd(TaskHandle task, string? execId, CancellationTokenSource stop) => _watching.TryAdd(Key(task, execId), stop);

    /// <summary>Unregisters the watch if <paramref name="stop"/> is still the process's; false when it was forgotten meanwhile.</summary>
    internal bool TryRemove(TaskHandle task, string? execId, CancellationTokenSource stop) =>
        _watching.TryRemove(new KeyValuePair<(string, string, string), CancellationTokenSource>(Key(task, execId), stop));

    /// <summary>Ends the watches of a task's processes (it is being deleted), so a later task of the container gets its own.</summary>
    public void Forget(TaskHandle task)
    {
        foreach (var key in _watching.Keys.Where(k => k.Item1 == task.Namespace && k.Item2 == task.ContainerId))
        {
            if (_watching.TryRemove(key, out var stop))
                stop.Cancel();
        }
    }

    private static (string, string, string) Key(TaskHandle task, string? execId) => (task.Namespace, task.ContainerId, execId ?? "");
}
