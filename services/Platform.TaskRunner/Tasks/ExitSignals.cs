using System.Collections.Concurrent;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Tasks;

/// <summary>Wakes waiters (WaitTask, forced deletes, log followers) when a process's exit has been recorded.</summary>
public sealed class ExitSignals
{
    private readonly ConcurrentDictionary<(string, string, string), TaskCompletionSource<TaskExit>> _waiting = new();

    /// <summary>A task that completes with the next recorded exit of that process. Check the store after taking it.</summary>
    public Task<TaskExit> Next(string @namespace, string containerId, string? execId) =>
        _waiting.GetOrAdd((@namespace, containerId, execId ?? ""), _ => new TaskCompletionSource<TaskExit>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Drops the wake-up of a process nothing is known of (a wait for it was refused as NotFound).</summary>
    public void Forget(string @namespace, string containerId, string? execId) =>
        _waiting.TryRemove((@namespace, containerId, execId ?? ""), out _);

    public void Exited(string @namespace, TaskExit exit)
    {
        if (_waiting.TryRemove((@namespace, exit.ContainerId, exit.ExecId ?? ""), out var waiting))
            waiting.TrySetResult(exit);
    }
}
