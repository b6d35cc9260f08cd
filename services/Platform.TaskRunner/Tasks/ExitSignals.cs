using System.Collections.Concurrent;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Wakes waiters (WaitTask, forced deletes, log followers) when something about a process's end has changed: its
/// exit was recorded, or a waiter found it already ended or gone. A wake-up carries no answer: every waiter reads
/// the store again after it, so waking one too many is harmless, and each wake-up frees its entry (no entry is
/// left behind for a process that has ended).
/// </summary>
public sealed class ExitSignals
{
    private readonly ConcurrentDictionary<(string, string, string), TaskCompletionSource> _waiting = new();

    /// <summary>A task that completes at the next wake-up for that process. Read the store after taking it.</summary>
    public Task Next(string @namespace, string containerId, string? execId) =>
        _waiting.GetOrAdd((@namespace, containerId, execId ?? ""), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes every waiter of that process and forgets it until someone waits again.</summary>
    public void Wake(string @namespace, string containerId, string? execId)
    {
        if (_waiting.TryRemove((@namespace, containerId, execId ?? ""), out var waiting))
            waiting.TrySetResult();
    }

    /// <summary>How many processes are being waited for (for tests).</summary>
    public int Count => _waiting.Count;
}
